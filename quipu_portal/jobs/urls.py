from django.urls import path

from quipu_portal.bulk_categories import views as bulk_views
from quipu_portal.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("indicator/", views.job_indicator, name="indicator"),
    path("change-categories/", bulk_views.bulk_categories, name="bulk_categories"),
    path(
        "change-categories/subcategories/",
        bulk_views.bulk_categories_subcategories,
        name="bulk_categories_subcategories",
    ),
    # What a list's BulkButton links to: reversed with the list's namespace.
    path("change-categories/<str:namespace>/", bulk_views.bulk_categories, name="bulk_categories"),
    path("<int:pk>/preview/", bulk_views.bulk_categories_preview, name="bulk_categories_preview"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("<int:pk>/retry/", views.job_retry, name="retry"),
    path("<int:pk>/undo/", views.job_undo_view, name="undo"),
]
