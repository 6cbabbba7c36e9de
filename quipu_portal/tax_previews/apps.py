from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxPreviewsConfig(AppConfig):
    name = "quipu_portal.tax_previews"
    label = "tax_previews"
    verbose_name = _("Tax previews")

    def ready(self):
        # Registers the ``tax_preview`` job kind.
        from quipu_portal.tax_previews import handlers  # noqa: F401
