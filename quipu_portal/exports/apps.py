from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "quipu_portal.exports"
    label = "exports"
    verbose_name = _("List totals and exports")

    def ready(self):
        # Registers the ``list_totals`` and ``list_export`` job kinds.
        from quipu_portal.exports import handlers  # noqa: F401
