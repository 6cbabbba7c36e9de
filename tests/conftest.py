import os

import pytest

from quipu_portal.connections.scope import connection_scope
from quipu_portal.connections.services import client_for, connection_create
from quipu_portal.core.services import user_language_set

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.page_record"]

SUITE_SANDBOX_RATE = "1000/5s"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The database cache (reference data, tokens, contact names) needs its table in the test database.
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(scope="session")
def sandbox():
    """One Quipu sandbox process per test worker, at a raised rate limit."""
    from quipu_portal.sandbox.testing import start_sandbox

    running = start_sandbox(rate=SUITE_SANDBOX_RATE, seed="empty")
    yield running
    running.stop()


@pytest.fixture
def quipu_account(sandbox):
    """A fresh sandbox account with its own small data set and its own rate budget."""
    return sandbox.create_account("Test company S.L.", seed="small")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="ana", password="a-long-test-password-1")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bruno", password="a-long-test-password-2")


@pytest.fixture
def accountant(user):
    """Our accountant reads English here, so assertions do not depend on the Spanish catalogue."""
    user_language_set(user=user, language="en")
    return user


@pytest.fixture
def connection(accountant, sandbox, quipu_account):
    """The accountant's client; ``connection_reverse`` builds the test's URLs under its /c/<id>/ prefix."""
    connection = connection_create(
        owner=accountant,
        name=quipu_account["name"],
        base_url=sandbox.base_url,
        app_id=quipu_account["app_id"],
        app_secret=quipu_account["app_secret"],
    )
    with connection_scope(connection):
        yield connection


@pytest.fixture
def quipu(connection):
    """A client on the same account, to arrange data and to check what Quipu really holds."""
    return client_for(connection)


@pytest.fixture
def portal(client, accountant, connection):
    client.force_login(accountant)
    return client
