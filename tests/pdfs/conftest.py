"""A signed-in accountant with an active connection to a fresh sandbox account (the `small` seed)."""

from tests.resource_admin.conftest import accountant, connection, django_db_setup, portal, quipu  # noqa: F401
