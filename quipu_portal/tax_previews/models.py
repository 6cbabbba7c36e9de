from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxPreview(models.Model):
    """The documents of one client from 1 January to the end of a quarter, as read by a background job,
    and when. The tax figures and the record book are computed from them, without asking Quipu again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tax_previews",
        verbose_name=_("owner"),
    )
    connection = models.ForeignKey(
        "connections.Connection",
        on_delete=models.CASCADE,
        related_name="tax_previews",
        verbose_name=_("connection"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    job = models.OneToOneField(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="tax_preview"
    )
    # The documents read, by "type:id" (see documents.TaxDocument.as_json).
    documents = models.JSONField(default=dict, blank=True)
    owner_name = models.CharField(_("company name"), max_length=200, blank=True)
    owner_tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    result_303 = models.DecimalField(_("303 result"), max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("tax preview")
        verbose_name_plural = _("tax previews")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["connection", "year", "quarter", "computed_at"])]

    def __str__(self) -> str:
        return f"{self.quarter}T {self.year}"
