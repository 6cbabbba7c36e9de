from django.db import models
from django.utils.translation import gettext_lazy as _


class QuarterReview(models.Model):
    """The last review of one client's quarter: what its scan found, and the scan itself."""

    connection = models.ForeignKey(
        "connections.Connection",
        on_delete=models.CASCADE,
        related_name="quarter_reviews",
        verbose_name=_("connection"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    # The latest scan (running, or the one the findings come from); kept when the job is deleted.
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("scan")
    )
    scanned_at = models.DateTimeField(_("scanned"), null=True, blank=True)
    documents = models.PositiveIntegerField(_("documents"), default=0)
    uncategorised = models.PositiveIntegerField(_("uncategorised"), default=0)
    # See findings.py: codes and documents, worded by the templates in the reader's language.
    findings = models.JSONField(_("findings"), default=list, blank=True)
    verifactu = models.JSONField(_("Verifactu readiness"), default=list, blank=True)

    class Meta:
        verbose_name = _("quarter review")
        verbose_name_plural = _("quarter reviews")
        ordering = ["-year", "-quarter", "connection__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "year", "quarter"], name="quarter_review_unique_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.connection} {self.year}-Q{self.quarter}"
