from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from quipu_portal.connections.crypto import encryption_keys


@register()
def encryption_keys_check(app_configs, **kwargs):
    try:
        encryption_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="Generate one with Fernet.generate_key().", id="connections.E001")]
    return []
