"""Every ResourceAdmin in use, so the system checks can read their declarations."""

REGISTRY: dict[str, object] = {}


def register(admin_class):
    """Instantiate a ResourceAdmin once and remember it under its namespace."""
    admin = admin_class()
    REGISTRY[admin.namespace] = admin
    return admin
