from django.urls import path

from quipu_portal.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language_set, name="language"),
]
