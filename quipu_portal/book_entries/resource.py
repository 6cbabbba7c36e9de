from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.resource_admin import columns
from quipu_portal.resource_admin.filters import ALL_FILTERS
from quipu_portal.resource_admin.options import DocumentAdmin


class BookEntryAdmin(DocumentAdmin):
    """Every document type in one read-only list; each row opens the document in its own app."""

    resource = "book_entries"
    list_type = None
    verbose_name = _("book entry")
    verbose_name_plural = _("book entries")
    bulk_buttons = (CHANGE_CATEGORIES,)
    columns = (
        columns.NUMBER,
        columns.ISSUE_DATE,
        columns.TYPE,
        columns.KIND,
        columns.COUNTERPART,
        columns.CATEGORY,
        columns.PAYMENT_STATUS,
        columns.NET,
        columns.TOTAL,
    )
    list_filters = ALL_FILTERS
    has_detail = False
    required_fields = ()
    can_create = can_edit = can_delete = False
    has_attachments = False
    has_pdf = False
    bulk_actions = ()
