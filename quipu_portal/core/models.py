from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="es")

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class SentForm(models.Model):
    """A form that creates something, as it was sent once (see core/once.py): a second POST of the same
    rendered form finds this row and shows the first result instead of creating another."""

    class State(models.TextChoices):
        SENDING = "sending", _("sending")
        DONE = "done", _("done")
        # The create was sent but its answer was lost: it may have been applied.
        UNCERTAIN = "uncertain", _("answer lost")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # A hash of the form's one-time token and everything it sent.
    key = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    result_url = models.CharField(max_length=500, blank=True)
    # What the view needs to look for the result of an uncertain create (e.g. the ids seen before it).
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="core_sent_form_once")]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.key[:8]} {self.state}"
