from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourceAdminConfig(AppConfig):
    name = "quipu_portal.resource_admin"
    label = "resource_admin"
    verbose_name = _("Resource pages")

    def ready(self):
        # Imported once the apps are loaded: both reach models and register on import.
        from quipu_portal.resource_admin import (
            checks,  # noqa: F401  (registers the system checks)
            handlers,  # noqa: F401  (registers the bulk_delete job kind)
        )
