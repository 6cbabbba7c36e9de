"""Every resource declaration in use, registered when its app is ready: the URL confs, the system
checks and the background jobs (in a worker too) find them here by namespace."""

from django.apps import AppConfig
from django.utils.module_loading import import_string

REGISTRY: dict[str, object] = {}


def register(admin_class):
    """Instantiate a resource declaration once and remember it under its namespace."""
    admin = admin_class()
    REGISTRY[admin.namespace] = admin
    return admin


def admin_urls(namespace: str) -> list:
    """The URL patterns of a registered resource, for its app's urls.py."""
    return REGISTRY[namespace].urls


class ResourceAppConfig(AppConfig):
    """A resource app: `admin_class` (a dotted path, read once the apps are loaded) is registered.

    Subclass it as `registry.ResourceAppConfig`: Django picks an apps.py's config automatically only
    when the module holds a single AppConfig class."""

    admin_class: str = ""

    def ready(self):
        register(import_string(self.admin_class))
