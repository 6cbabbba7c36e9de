from django.db import models
from django.utils.translation import gettext_lazy as _


class RateBudget(models.Model):
    """The shared rate budget of one credential pair on the embedded stack (Redis holds it otherwise).

    ``slots`` are the send times (seconds since the epoch, the database's clock) reserved recently or in
    the near future, oldest first; ``blocked_until`` is set when Quipu says to stop (429, or
    ``RateLimit-Remaining: 0``); ``background_at`` is the latest send reserved for background work, so
    page views cannot starve it. Keyed by a hash of base URL and app id, never the secret.
    """

    key = models.CharField(_("credential key"), max_length=64, unique=True)
    slots = models.JSONField(_("reserved send times"), default=list)
    blocked_until = models.FloatField(_("blocked until"), default=0.0)
    background_at = models.FloatField(_("latest background send"), default=0.0)

    class Meta:
        verbose_name = _("Quipu rate budget")
        verbose_name_plural = _("Quipu rate budgets")

    def __str__(self) -> str:
        return self.key
