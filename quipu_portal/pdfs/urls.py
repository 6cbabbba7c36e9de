from django.urls import path

from quipu_portal.pdfs import views

app_name = "pdfs"

urlpatterns = [
    path("bundles/", views.bundle_list_view, name="bundles"),
    path("bundles/new/<str:namespace>/", views.bundle_start, name="bundle-start"),
    path("bundles/<int:pk>/", views.bundle_detail, name="bundle"),
    path("bundles/<int:pk>/file/", views.bundle_file, name="bundle-file"),
    path("bundles/<int:pk>/cancel/", views.bundle_cancel, name="bundle-cancel"),
    path("bundles/<int:pk>/resume/", views.bundle_resume, name="bundle-resume"),
    path("<str:resource>/<str:pk>/download/", views.pdf_download, name="download"),
]
