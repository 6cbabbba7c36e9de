from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.pdfs.actions import DOWNLOAD_PDFS, PDF_LINK
from quipu_portal.resource_admin.columns import DOCUMENT_COLUMNS
from quipu_portal.resource_admin.options import VERIFACTU_KIND_FIELDS, DocumentAdmin, document_form_fields


class InvoiceAdmin(DocumentAdmin):
    resource = "invoices"
    verbose_name = _("invoice")
    verbose_name_plural = _("invoices")
    document_label = _("Invoice")
    columns = (*DOCUMENT_COLUMNS, PDF_LINK)
    bulk_buttons = (DOWNLOAD_PDFS, CHANGE_CATEGORIES)
    form_fields = document_form_fields("contact", due_dates=True, verifactu=True)
    kind_fields = VERIFACTU_KIND_FIELDS
    required_fields = ("kind", "issue_date", "contact")
    credit_notes = True
