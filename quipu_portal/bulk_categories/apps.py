from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkCategoriesConfig(AppConfig):
    name = "quipu_portal.bulk_categories"
    label = "bulk_categories"
    verbose_name = _("Bulk category changes")

    def ready(self):
        # In ready(): these modules import models, loaded only now.
        from quipu_portal.bulk_categories import handlers  # noqa: F401  (registers its job kinds)
        from quipu_portal.jobs.registry import register_urls

        register_urls("quipu_portal.bulk_categories.urls")
