from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One field of one Quipu document changed by the portal: who, where, when, before and after."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="audit_entries",
        verbose_name=_("user"),
    )
    connection = models.ForeignKey(
        "connections.Connection",
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_entries",
        verbose_name=_("connection"),
    )
    # Kept when the connection is deleted, so the log still says which account it was.
    connection_name = models.CharField(_("connection"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    resource = models.CharField(_("document type"), max_length=40)
    document_id = models.CharField(_("document id"), max_length=40)
    document_label = models.CharField(_("document"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=120)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("job"),
    )

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["user", "resource", "document_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.resource}/{self.document_id} {self.field}: {self.before} → {self.after}"
