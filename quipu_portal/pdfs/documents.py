"""Which documents have a PDF, and what a download, a file name and an index line need to know of them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from quipu_portal.files.filenames import pdf_filename, pdf_filename_original
from quipu_portal.resource_admin.access import attr, counterpart_name, document_number, document_type

# Quipu serves PDFs for income invoices and simplified invoices. Additional incomes advertise a
# download_pdf_url but the route always answers 404 (BEHAVIOUR.md), so they get no button.
PDF_RESOURCES = ("invoices", "simplified_invoices")


@dataclass(frozen=True)
class PdfDocument:
    resource: str
    document_id: str
    pdf_url: str
    number: str = ""
    issue_date: datetime.date | None = None
    counterparty: str = ""
    total: Decimal | None = None

    def _name_parts(self) -> dict:
        """What both spellings of the file name are made of."""
        return {
            "number": self.number,
            "counterparty": self.counterparty,
            "issue_date": self.issue_date,
            "fallback": f"{self.resource}-{self.document_id}",
        }

    @property
    def filename(self) -> str:
        return pdf_filename(**self._name_parts())

    @property
    def original_filename(self) -> str:
        return pdf_filename_original(**self._name_parts())


def has_pdf(record) -> bool:
    return document_type(record) in PDF_RESOURCES and bool(attr(record, "download_pdf_url"))


def pdf_document_from(record) -> PdfDocument | None:
    """The PDF facts of a record from Quipu (a list row or a detail), or None when it has no PDF."""
    if not has_pdf(record):
        return None
    issue_date = attr(record, "issue_date")
    total = attr(record, "total_amount")
    return PdfDocument(
        resource=document_type(record),
        document_id=str(record.id),
        pdf_url=str(attr(record, "download_pdf_url")),
        number=document_number(record),
        issue_date=issue_date if isinstance(issue_date, datetime.date) else None,
        counterparty=counterpart_name(record),
        total=total if isinstance(total, Decimal) else None,
    )
