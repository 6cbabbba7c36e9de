from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_cleanup_schedule(sender, apps=None, **kwargs):
    """The hourly clean-up must survive a flush of the database, not only exist after its migration."""
    from django.apps import apps as installed_apps

    from quipu_portal.pdfs.migrations import _schedule

    _schedule.add_schedule(apps or installed_apps, None)


class PdfsConfig(AppConfig):
    name = "quipu_portal.pdfs"
    label = "pdfs"
    verbose_name = _("Invoice PDFs")

    def ready(self):
        # Registers the ``pdf_bundle`` job kind.
        from quipu_portal.pdfs import handlers  # noqa: F401

        post_migrate.connect(_ensure_cleanup_schedule, sender=self)
