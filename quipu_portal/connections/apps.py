from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "quipu_portal.connections"
    label = "connections"
    verbose_name = _("Quipu connections")

    def ready(self):
        # In ready(): the checks import models, loaded only now.
        from quipu_portal.connections import checks  # noqa: F401  (registers the system checks)
