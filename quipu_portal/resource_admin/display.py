"""How an attribute is labelled and shown on a page, whatever the resource."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quipu_portal.core.display import percent
from quipu_portal.resource_admin.columns import KIND_BADGES, PAYMENT_BADGES
from quipu_portal.resource_admin.forms import ITEM_KIND_CHOICES, PAYMENT_METHOD_CHOICES

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
    "filing_number": gettext_lazy("Filing number"),
    "complete_number": gettext_lazy("Complete number"),
    "counter_reason": gettext_lazy("Reason for the amendment (Verifactu)"),
    "exempt_reason": gettext_lazy("VAT exemption reason"),
    "collection_type": gettext_lazy("Collection type"),
    "canary_island_special_zone": gettext_lazy("Canary Islands special zone"),
    "target_country": gettext_lazy("Destination country"),
    "equivalence_surcharge": gettext_lazy("Equivalence surcharge"),
    "document_type": gettext_lazy("Document type"),
    "numeration": gettext_lazy("Numbering series"),
    "items": gettext_lazy("Lines"),
    "issuing_name": gettext_lazy("Issuer name"),
    "issuing_tax_id": gettext_lazy("Issuer tax ID"),
    "issuing_address": gettext_lazy("Issuer address"),
    "issuing_phone": gettext_lazy("Issuer phone"),
    "issuing_town": gettext_lazy("Issuer town"),
    "issuing_zip_code": gettext_lazy("Issuer postcode"),
    "issuing_country_code": gettext_lazy("Issuer country"),
    "recipient_name": gettext_lazy("Recipient name"),
    "recipient_tax_id": gettext_lazy("Recipient tax ID"),
    "recipient_address": gettext_lazy("Recipient address"),
    "recipient_phone": gettext_lazy("Recipient phone"),
    "recipient_town": gettext_lazy("Recipient town"),
    "recipient_zip_code": gettext_lazy("Recipient postcode"),
    "recipient_country_code": gettext_lazy("Recipient country"),
    "name": gettext_lazy("Name"),
    "parent": gettext_lazy("Parent category"),
    "root": gettext_lazy("Root category"),
    "prefix": gettext_lazy("Prefix"),
    "suffix": gettext_lazy("Suffix"),
    "is_valid": gettext_lazy("Valid"),
    "deletable": gettext_lazy("Can be deleted"),
    "is_client": gettext_lazy("Client"),
    "is_supplier": gettext_lazy("Supplier"),
    "is_employee": gettext_lazy("Employee"),
    "total_incomes": gettext_lazy("Income"),
    "total_paid_incomes": gettext_lazy("Income paid"),
    "total_unpaid_incomes": gettext_lazy("Income owed to us"),
    "total_expenses": gettext_lazy("Expenses"),
    "total_paid_expenses": gettext_lazy("Expenses paid"),
    "total_unpaid_expenses": gettext_lazy("Expenses we owe"),
    "contact": gettext_lazy("Contact"),
    "accounting_category": gettext_lazy("Accounting category"),
    "accounting_subcategory": gettext_lazy("Accounting subcategory"),
    "analytic_categories": gettext_lazy("Analytic categories"),
    "attachments": gettext_lazy("Attachments"),
    "amended_invoice": gettext_lazy("Amended document"),
    "amended_simplified_invoice": gettext_lazy("Amended document"),
    "amended_ticket": gettext_lazy("Amended document"),
    "amending": gettext_lazy("Amending documents"),
    "amending_invoices": gettext_lazy("Amending documents"),
    "amending_simplified_invoices": gettext_lazy("Amending documents"),
    "amending_tickets": gettext_lazy("Amending documents"),
    "children": gettext_lazy("Subcategories"),
    "applicable_to": gettext_lazy("Applies to"),
    "applies_to": gettext_lazy("Applies to"),
    "default": gettext_lazy("Default"),
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


def form_field_label(form_fields: dict, name: str) -> str:
    """A field's label where a form shows it, else the attribute's own: for a sentence about it."""
    form_field = form_fields.get(name)
    label = getattr(form_field, "label", None)
    return str(label) if label else field_label(name)


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


def item_notes(item) -> list[str]:
    """What sets a line apart beyond its amounts: a kind other than current, the equivalence
    surcharge, a share of VAT or of the expense that is not wholly deductible."""
    notes = []
    kind = getattr(item, "kind", None)
    if kind and kind != "current":
        notes.append(str(dict(ITEM_KIND_CHOICES).get(kind, kind)))
    if getattr(item, "equivalence_surcharge", None):
        notes.append(_("Equivalence surcharge"))
    for name, label in (
        ("deductible_vat_percent", _("VAT deductible")),
        ("deductible_expense_percent", _("Expense deductible")),
    ):
        share = getattr(item, name, None)
        if share is not None and share != 100:
            notes.append(f"{label} {percent(share)}")
    return notes
