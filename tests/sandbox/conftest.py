"""Fixtures of the sandbox's own tests.

``sandbox_server`` is one sandbox process for this folder, seeded with the demo accounts and run at a
raised limit; every test that writes gets a fresh account (its own data and rate budget). Tests that
move the clock or reset the data start a private process (``private_sandbox``).
"""

import pytest

from quipu_portal.sandbox.testing import start_sandbox

from .api import Api

RAISED_RATE = "1000/5s"


@pytest.fixture(scope="session")
def sandbox_server():
    running = start_sandbox(rate=RAISED_RATE, seed="demo")
    yield running
    running.stop()


@pytest.fixture
def account(sandbox_server):
    """A fresh account with the small data set (every document type, items, series, categories)."""
    return sandbox_server.create_account("Pruebas Sandbox S.L.", seed="small")


@pytest.fixture
def api(sandbox_server, account) -> Api:
    return Api.for_account(sandbox_server.base_url, account)


@pytest.fixture
def empty_api(sandbox_server) -> Api:
    return Api.for_account(sandbox_server.base_url, sandbox_server.create_account("Vacía S.L.", seed="empty"))


@pytest.fixture(scope="session")
def demo_api(sandbox_server) -> Api:
    """The fixed demo S.L. of the session sandbox: read it, never write to it."""
    account = next(a for a in sandbox_server.accounts() if a["app_id"] == "demo-sl-app-id")
    return Api.for_account(sandbox_server.base_url, account)


@pytest.fixture
def private_sandbox():
    running = start_sandbox(rate=RAISED_RATE, seed="empty")
    yield running
    running.stop()
