from django.urls import path

from quipu_portal.connections import views

app_name = "connections"

urlpatterns = [
    path("", views.connection_list_view, name="list"),
    path("add/", views.connection_add, name="add"),
    path("activate/", views.connection_activate, name="activate"),
    path("<int:connection_id>/edit/", views.connection_edit, name="edit"),
    path("<int:connection_id>/delete/", views.connection_delete_view, name="delete"),
    path("<int:connection_id>/test/", views.connection_test_view, name="test"),
]
