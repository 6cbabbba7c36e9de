from django.urls import path

from quipu_portal.exports import views

app_name = "exports"

urlpatterns = [
    path("totals/<str:namespace>/", views.list_totals, name="totals"),
    path("totals/<str:namespace>/calculate/", views.list_totals_calculate, name="totals-calculate"),
    path("totals/<str:namespace>/cancel/", views.list_totals_cancel, name="totals-cancel"),
    path("new/<str:namespace>/", views.export_start, name="start"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/file/", views.export_file, name="file"),
    path("<int:pk>/cancel/", views.export_cancel, name="cancel"),
    path("<int:pk>/resume/", views.export_resume, name="resume"),
]
