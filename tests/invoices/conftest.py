from tests.resource_admin.conftest import accountant, connection, django_db_setup, portal, quipu  # noqa: F401
