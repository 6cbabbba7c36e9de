from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkCategoriesConfig(AppConfig):
    name = "quipu_portal.bulk_categories"
    label = "bulk_categories"
    verbose_name = _("Bulk category changes")

    def ready(self):
        # Registers the job kinds this app runs.
        from quipu_portal.bulk_categories import handlers  # noqa: F401
