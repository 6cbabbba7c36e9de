from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "quipu_portal.exports"
    label = "exports"
    verbose_name = _("List totals and exports")

    def ready(self):
        # In ready(): the handlers and views import models, loaded only now.
        from quipu_portal.exports import handlers  # noqa: F401  (the list_totals and list_export job kinds)
        from quipu_portal.exports.views import list_totals_context
        from quipu_portal.resource_admin.extensions import add_to_lists

        add_to_lists(list_totals_context)
