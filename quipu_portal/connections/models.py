from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectionStatus(models.TextChoices):
    OK = "ok", _("Connected")
    BAD_CREDENTIALS = "bad_credentials", _("Wrong credentials")
    UNREACHABLE = "unreachable", _("Unreachable")
    RATE_LIMITED = "rate_limited", _("Rate limited")
    ERROR = "error", _("Error")


class Connection(models.Model):
    """One Quipu account an accountant works on. The app secret is only ever stored encrypted."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quipu_connections",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=120)
    base_url = models.URLField(_("API address"), max_length=300)
    app_id = models.CharField(_("app ID"), max_length=255)
    # A Fernet token of {"owner", "connection", "secret"}; see crypto.py. Never shown anywhere.
    app_secret_encrypted = models.TextField(_("encrypted app secret"), editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_tested_at = models.DateTimeField(_("last tested"), null=True, blank=True)
    last_test_status = models.CharField(
        _("last test result"), max_length=20, choices=ConnectionStatus.choices, blank=True
    )
    last_test_message = models.CharField(_("last test message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Quipu connection")
        verbose_name_plural = _("Quipu connections")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="connections_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def test_badge_class(self) -> str:
        return {
            ConnectionStatus.OK: "badge-ok",
            ConnectionStatus.RATE_LIMITED: "badge-warn",
            "": "badge-muted",
        }.get(self.last_test_status, "badge-bad")
