from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "quipu_portal.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # In ready(): the receivers' modules import models, loaded only now.
        from quipu_portal.jobs import signals  # noqa: F401  (connects the receivers)
