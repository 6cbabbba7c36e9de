from importlib import import_module

from django.urls import path

from quipu_portal.jobs import views
from quipu_portal.jobs.registry import URL_MODULES

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("indicator/", views.job_indicator, name="indicator"),
    # The pages job kinds add (registered by their apps), such as the category change's preview.
    *(pattern for module in URL_MODULES for pattern in import_module(module).urlpatterns),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("<int:pk>/retry/", views.job_retry, name="retry"),
    path("<int:pk>/undo/", views.job_undo_view, name="undo"),
]
