"""The "Change categories" button a document list offers in its bulk bar (see ResourceAdmin.bulk_buttons)."""

from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.options import BulkButton

CHANGE_CATEGORIES = BulkButton(_("Change categories"), "jobs:bulk_categories")
