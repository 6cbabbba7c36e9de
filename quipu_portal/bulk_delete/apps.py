from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkDeleteConfig(AppConfig):
    name = "quipu_portal.bulk_delete"
    label = "bulk_delete"
    verbose_name = _("Bulk deletion")

    def ready(self):
        # In ready(): the handlers and views import models, loaded only now.
        from quipu_portal.bulk_delete import (
            handlers,  # noqa: F401  (registers the bulk_delete job kind)
            views,
        )
        from quipu_portal.resource_admin.extensions import lend_view

        lend_view("bulk", views.resource_bulk)
        lend_view("bulk-delete", views.bulk_delete_confirm)
