"""A signed-in accountant with an active connection to a fresh sandbox account (the `small` seed)."""

from tests.resource_admin.conftest import accountant, connection, portal, quipu  # noqa: F401
