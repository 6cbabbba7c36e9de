from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PdfsConfig(AppConfig):
    name = "quipu_portal.pdfs"
    label = "pdfs"
    verbose_name = _("Invoice PDFs")

    def ready(self):
        # Registers the ``pdf_bundle`` job kind.
        from quipu_portal.pdfs import handlers  # noqa: F401
