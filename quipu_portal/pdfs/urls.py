from django.urls import path

from quipu_portal.pdfs import views

app_name = "pdfs"

urlpatterns = [
    path("<str:resource>/<str:pk>/download/", views.pdf_download, name="download"),
]
