"""The category change's pages, under the jobs URLs (namespace ``jobs``; see apps.py)."""

from django.urls import path

from quipu_portal.bulk_categories import views

urlpatterns = [
    path("change-categories/", views.bulk_categories, name="bulk_categories"),
    path(
        "change-categories/subcategories/",
        views.bulk_categories_subcategories,
        name="bulk_categories_subcategories",
    ),
    # What a list's BulkButton links to: reversed with the list's namespace.
    path("change-categories/<str:namespace>/", views.bulk_categories, name="bulk_categories"),
    path("<int:pk>/preview/", views.bulk_categories_preview, name="bulk_categories_preview"),
]
