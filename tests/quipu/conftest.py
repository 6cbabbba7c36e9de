"""Fixtures for the Quipu client tests.

The session-wide ``sandbox`` (raised limit, "1000/5s") and the per-test ``quipu_account`` come from
tests/conftest.py; every test here gets its own account, so its own data, token and rate budget.
"""

import pytest

from quipu_portal.quipu.auth import TokenCache
from quipu_portal.quipu.budget import budget_store
from quipu_portal.quipu.client import Priority, QuipuClient
from quipu_portal.quipu.config import QuipuCredentials
from quipu_portal.quipu.refdata import invalidate_reference_data
from quipu_portal.quipu.retry import RetryPolicy

RAISED_RATE = "1000/5s"  # the suite sandbox's limit (tests/conftest.py)
QUICK_RETRIES = RetryPolicy(max_attempts=6, base_delay=0.05, max_delay=0.2)


@pytest.fixture(autouse=True)
def raised_rate_limit(settings):
    settings.QUIPU_RATE_LIMIT = RAISED_RATE


@pytest.fixture
def credentials(sandbox, quipu_account, db):
    credentials = QuipuCredentials(sandbox.base_url, quipu_account["app_id"], quipu_account["app_secret"])
    # Redis outlives a test run: start each test from an empty budget and token for this pair.
    budget_store().clear(credentials.key)
    TokenCache(credentials).delete()
    invalidate_reference_data(credentials)
    return credentials


@pytest.fixture
def client(credentials, db):
    with QuipuClient(credentials, retry_policy=QUICK_RETRIES) as quipu:
        yield quipu


@pytest.fixture
def background_client(credentials, db):
    with QuipuClient(credentials, priority=Priority.BACKGROUND, retry_policy=QUICK_RETRIES) as quipu:
        yield quipu


def account_stats(sandbox, app_id: str) -> dict:
    return sandbox.stats()["accounts"][app_id]
