from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quipu_portal.files.models import GeneratedFile, GeneratedFileDocument


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    CSV = "csv", _("CSV for a spreadsheet")


class Export(GeneratedFile):
    """A filtered document list written to a CSV or XLSX file for one user (see GeneratedFile).

    A list that a page view can read is written at once; a larger one is read by a ``list_export``
    job, page after page, into ``rows``, and written when the job finishes.
    """

    folder_name = "exports"
    content_types = {
        ".csv": "text/csv; charset=utf-8",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.CASCADE, null=True, blank=True, related_name="list_export"
    )
    namespace = models.CharField(max_length=40)
    format = models.CharField(max_length=4, choices=ExportFormat.choices, default=ExportFormat.XLSX)
    # One row per document line instead of one per document.
    lines = models.BooleanField(default=False)
    # The list's query string, to go back to it.
    query = models.CharField(max_length=2000, blank=True)
    row_count = models.PositiveIntegerField(default=0)


class ExportDocument(GeneratedFileDocument):
    """One document as it was listed, its cells (one list per file row) ready to be written."""

    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="documents")
    # Cells as JSON: text, decimals as strings, dates in ISO; typed again when the file is written.
    rows = models.JSONField(default=list)

    class Meta(GeneratedFileDocument.Meta):
        constraints = [
            models.UniqueConstraint(fields=["export", "document_id"], name="exports_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.export_id}/{self.document_id}"
