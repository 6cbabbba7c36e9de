"""How an attribute is labelled and shown on a page, whatever the resource."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quipu_portal.resource_admin.columns import KIND_BADGES, PAYMENT_BADGES
from quipu_portal.resource_admin.forms import PAYMENT_METHOD_CHOICES

# The totals Quipu computes for every document.
DOCUMENT_MONEY_FIELDS = ("total_amount_without_taxes", "vat_amount", "retention_amount", "total_amount")

FIELD_LABELS = {
    "kind": gettext_lazy("Kind"),
    "number": gettext_lazy("Number"),
    "issue_date": gettext_lazy("Issue date"),
    "due_dates": gettext_lazy("Due dates"),
    "paid_at": gettext_lazy("Paid on"),
    "payment_method": gettext_lazy("Payment method"),
    "payment_status": gettext_lazy("Payment status"),
    "stage": gettext_lazy("Stage"),
    "tags": gettext_lazy("Tags"),
    "notes": gettext_lazy("Notes"),
    "total_amount_without_taxes": gettext_lazy("Before taxes"),
    "vat_amount": gettext_lazy("VAT"),
    "retention_amount": gettext_lazy("Withholding"),
    "total_amount": gettext_lazy("Total"),
    "last_sent_at": gettext_lazy("Last sent"),
    "credit_note_reason": gettext_lazy("Reason for the amendment"),
    "validation_status": gettext_lazy("Validation"),
    "accounting_account_code": gettext_lazy("Ledger account"),
}
VALUE_LABELS = {
    "kind": {key: label for key, (label, _css) in KIND_BADGES.items()},
    "payment_status": {key: label for key, (label, _css) in PAYMENT_BADGES.items()},
    "payment_method": dict(PAYMENT_METHOD_CHOICES),
    "stage": {"draft": gettext_lazy("Draft"), "final": gettext_lazy("Final")},
}
HIDDEN_DETAIL_ATTRIBUTES = {
    "download_pdf_url",
    "ephemeral_open_download_pdf_url",
    "concepts",
    "detailed_amounts",
}


def field_label(name: str, labels: dict | None = None) -> str:
    """The resource's own label for the attribute (``labels``), else the generic one."""
    return str((labels or {}).get(name) or FIELD_LABELS.get(name) or name.replace("_", " ").capitalize())


def display_value(name: str, value) -> str:
    if value is None or value == "" or value == ():
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(display_value(name, item) for item in value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name].get(value, value))
    return str(value)
