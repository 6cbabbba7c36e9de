from tests.resource_admin.conftest import accountant, connection, portal, quipu  # noqa: F401
