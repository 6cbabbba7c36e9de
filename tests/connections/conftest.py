import pytest
from django.utils import translation

from quipu_portal.connections.services import connection_create
from quipu_portal.core.services import user_language_set

SECRET = "s3cr3t-Value-that-must-never-leak-7f3a"


@pytest.fixture
def secret():
    """The app secret of `offline_connection`: it must never show up anywhere but in a form field."""
    return SECRET


@pytest.fixture(autouse=True)
def fast_sandbox(settings, db):
    settings.QUIPU_RATE_LIMIT = "1000/5s"


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Services called directly speak the active language; these tests read English."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_user(user):
    """Our users read English here, so the assertions below do not depend on the Spanish catalogue."""
    user_language_set(user=user, language="en")
    return user


@pytest.fixture
def signed_in(client, english_user):
    client.force_login(english_user)
    return client


@pytest.fixture
def offline_connection(english_user):
    """A connection to an address nobody answers; for tests that never reach Quipu."""
    return connection_create(
        owner=english_user,
        name="Offline S.L.",
        base_url="https://127.0.0.1:9",
        app_id="offline-app-id",
        app_secret=SECRET,
    )


@pytest.fixture
def others_connection(other_user):
    return connection_create(
        owner=other_user,
        name="Not yours S.A.",
        base_url="https://127.0.0.1:9",
        app_id="other-app-id",
        app_secret="the-other-users-secret-91c2",
    )
