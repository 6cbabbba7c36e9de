from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_cleanup_schedule(sender, apps=None, **kwargs):
    """The hourly clean-up must survive a flush of the database, not only exist after its migration."""
    from django.apps import apps as installed_apps

    from quipu_portal.files.migrations._schedule import add_schedule

    add_schedule(apps or installed_apps, None)


class FilesConfig(AppConfig):
    name = "quipu_portal.files"
    label = "files"
    verbose_name = _("Generated files")

    def ready(self):
        post_migrate.connect(_ensure_cleanup_schedule, sender=self)
