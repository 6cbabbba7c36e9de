from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    CSV = "csv", _("CSV for a spreadsheet")


class Export(models.Model):
    """A filtered document list written to a CSV or XLSX file for one user.

    A list that a page view can read is written at once; a larger one is read by a ``list_export``
    job, page after page, into ``rows``, and written when the job finishes. The file lives under
    MEDIA_ROOT/exports/<id>/, is only served to ``owner``, and is deleted
    ``QUIPU_FILE_RETENTION_DAYS`` after it was written.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.CASCADE, null=True, blank=True, related_name="list_export"
    )
    namespace = models.CharField(max_length=40)
    format = models.CharField(max_length=4, choices=ExportFormat.choices, default=ExportFormat.XLSX)
    # One row per document line instead of one per document.
    lines = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    # The list's query string, to go back to it.
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return bool(self.finished_at and self.file_name and not self.deleted_at)


class ExportDocument(models.Model):
    """One document as it was listed, its cells (one list per file row) ready to be written."""

    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField()
    document_id = models.CharField(max_length=64)
    # Cells as JSON: text, decimals as strings, dates in ISO; typed again when the file is written.
    rows = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["export", "document_id"], name="exports_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.export_id}/{self.document_id}"
