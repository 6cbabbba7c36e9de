from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourceAdminConfig(AppConfig):
    name = "quipu_portal.resource_admin"
    label = "resource_admin"
    verbose_name = _("Resource pages")

    def ready(self):
        # Imported once the apps are loaded: they reach models and register on import.
        from quipu_portal.jobs.warmup import register_warmer
        from quipu_portal.quipu.contact_names import contact_names
        from quipu_portal.resource_admin import checks  # noqa: F401  (registers the system checks)

        # A connection's warm-up also fetches the contact names its document lists show.
        register_warmer(contact_names)
