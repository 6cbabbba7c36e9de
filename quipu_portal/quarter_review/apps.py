from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarterReviewConfig(AppConfig):
    name = "quipu_portal.quarter_review"
    label = "quarter_review"
    verbose_name = _("Quarter close review")

    def ready(self):
        # Registers the ``quarter_scan`` job kind.
        from quipu_portal.quarter_review import handlers  # noqa: F401
