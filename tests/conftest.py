import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
