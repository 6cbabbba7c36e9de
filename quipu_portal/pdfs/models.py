from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quipu_portal.files.models import GeneratedFile, GeneratedFileDocument


class BundleFormat(models.TextChoices):
    ZIP = "zip", _("A ZIP with one PDF per document")
    MERGED = "pdf", _("One merged PDF")


class Bundle(GeneratedFile):
    """A file of many documents' PDFs, built by a ``pdf_bundle`` job for one user (see GeneratedFile)."""

    folder_name = "bundles"
    content_types = {".zip": "application/zip", ".pdf": "application/pdf"}

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pdf_bundles")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    # A bundle whose selection was never read to the end goes when the sweeper removes its job.
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.CASCADE, null=True, blank=True, related_name="pdf_bundle"
    )
    format = models.CharField(max_length=3, choices=BundleFormat.choices, default=BundleFormat.ZIP)
    pdf_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)


class BundleDocument(GeneratedFileDocument):
    """One document of a bundle, as it was listed when the user asked: what the index file shows."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="documents")
    resource = models.CharField(max_length=40)
    pdf_url = models.CharField(max_length=500)
    number = models.CharField(max_length=100, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    counterparty = models.CharField(max_length=300, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta(GeneratedFileDocument.Meta):
        constraints = [
            models.UniqueConstraint(fields=["bundle", "document_id"], name="pdfs_bundle_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.document_id}"
