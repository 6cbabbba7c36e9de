from django.urls import path

from quipu_portal.core import views

app_name = "core"

urlpatterns = [
    path("language/", views.language_set, name="language"),
]
