from django.urls import path

from quipu_portal.quarter_review import views

app_name = "quarter_review"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("scan/", views.scan, name="scan"),
]
