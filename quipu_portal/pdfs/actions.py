"""What the document lists and pages declare: the "PDF" cell on each row and the "Download PDFs" bulk button."""

from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.pdfs.documents import has_pdf
from quipu_portal.resource_admin.access import document_number, document_type
from quipu_portal.resource_admin.columns import Column
from quipu_portal.resource_admin.options import BulkButton


def pdf_download_url(record) -> str | None:
    """The portal URL that streams the record's PDF, or None when Quipu has no PDF for it."""
    if not has_pdf(record):
        return None
    return connection_reverse("pdfs:download", args=[document_type(record), record.id])


def _pdf_link(record, names):
    url = pdf_download_url(record)
    if not url:
        return ""
    label = gettext("Download the PDF of %(number)s") % {"number": document_number(record) or record.id}
    return format_html(
        '<a href="{}" class="pdf-link" data-testid="pdf-download" aria-label="{}">{}</a>',
        url,
        label,
        gettext("PDF"),
    )


PDF_LINK = Column("pdf", _("PDF"), _pdf_link)

DOWNLOAD_PDFS = BulkButton(_("Download PDFs"), "pdfs:bundle-start")
