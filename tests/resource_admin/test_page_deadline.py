"""A page view gives Quipu a total time (QUIPU_PAGE_DEADLINE_SECONDS), retries included; jobs do not."""

import html
import time

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.quipu.client import Priority
from quipu_portal.quipu.deadline import page_deadline
from quipu_portal.quipu.errors import QuipuUnavailableError
from quipu_portal.quipu.retry import RetryPolicy

pytestmark = pytest.mark.django_db

STALL_SECONDS = 3.0


@pytest.fixture
def stalling_quipu(sandbox, quipu_account):
    sandbox.set_faults(app_id=quipu_account["app_id"], latency=STALL_SECONDS)
    yield
    sandbox.clear_faults(quipu_account["app_id"])


def test_a_page_against_a_stalling_quipu_answers_within_its_time_and_says_why(
    portal, stalling_quipu, settings
):
    settings.QUIPU_PAGE_DEADLINE_SECONDS = 1.5

    started = time.monotonic()
    response = portal.get(connection_reverse("invoices:list"))
    elapsed = time.monotonic() - started

    assert elapsed < settings.QUIPU_PAGE_DEADLINE_SECONDS + 1.0, f"the page took {elapsed:.1f} s"
    assert response.status_code == 503
    page = html.unescape(response.content.decode())
    assert "Quipu is not answering" in page and "Quipu is answering too slowly right now." in page


def test_a_background_job_waits_for_a_slow_quipu_past_any_page_deadline(connection, stalling_quipu):
    client = client_for(connection, priority=Priority.BACKGROUND)

    with page_deadline(0.5):
        started = time.monotonic()
        page = client.list("contacts", page_size=1)

    assert page.records and time.monotonic() - started >= STALL_SECONDS


def test_a_page_view_stops_retrying_when_its_time_would_run_out(connection, sandbox, quipu_account):
    client = client_for(connection)
    client.retry_policy = RetryPolicy(max_attempts=5, base_delay=0.4, max_delay=8.0)  # 0.2 s … 3.2 s waits
    client.tokens.current()  # the token first: only the listing meets the outage
    sandbox.set_faults(app_id=quipu_account["app_id"], p503=1.0)
    try:
        with page_deadline(1.0):
            started = time.monotonic()
            with pytest.raises(QuipuUnavailableError):
                client.list("contacts", page_size=1)
            elapsed = time.monotonic() - started
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert elapsed < 1.0, f"gave up after {elapsed:.1f} s"
