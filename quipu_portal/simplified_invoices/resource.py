from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.pdfs.actions import DOWNLOAD_PDFS, PDF_LINK
from quipu_portal.resource_admin.columns import DOCUMENT_COLUMNS
from quipu_portal.resource_admin.options import (
    NAMED_COUNTERPARTY_FIELDS,
    SALE_KIND_FIELDS,
    VERIFACTU_KIND_FIELDS,
    DocumentAdmin,
    document_form_fields,
)


class SimplifiedInvoiceAdmin(DocumentAdmin):
    resource = "simplified_invoices"
    verbose_name = _("simplified invoice")
    verbose_name_plural = _("simplified invoices")
    document_label = _("Simplified invoice")
    columns = (*DOCUMENT_COLUMNS, PDF_LINK)
    bulk_buttons = (DOWNLOAD_PDFS, CHANGE_CATEGORIES)
    form_fields = document_form_fields(
        "issuing_name", "recipient_name", sale=("target_country",), verifactu=True
    )
    kind_fields = NAMED_COUNTERPARTY_FIELDS | SALE_KIND_FIELDS | VERIFACTU_KIND_FIELDS
    required_fields = ("kind", "issue_date", "issuing_name", "recipient_name")
    relations = ("accounting_category", "accounting_subcategory", "numeration")
    credit_notes = True
