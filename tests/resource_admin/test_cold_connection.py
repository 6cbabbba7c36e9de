"""A connection nothing is cached for yet, at Quipu's real limit (5 requests per 5 s).

Its first list needs more requests than one page view may spend: the page still shows the documents
at once, says that some names are still loading, and asks a worker to fetch the rest.
"""

import re
import time

import pytest
from django.urls import reverse

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.jobs.tasks import warm_reference_data
from quipu_portal.quipu.refdata import reference_data_cached
from quipu_portal.resource_admin.access import LOADING_PLACEHOLDER
from tests.helpers import cache_clear

pytestmark = pytest.mark.django_db

STILL_LOADING = "Some names are still loading from Quipu."


@pytest.fixture
def real_limit(settings, sandbox, quipu_account):
    settings.QUIPU_RATE_LIMIT = "5/5s"
    sandbox.set_rate(5, 5.0, app_id=quipu_account["app_id"])


def _account_stats(sandbox, app_id) -> dict:
    return sandbox.stats()["accounts"].get(app_id, {"requests": 0, "over_limit": 0})


def _category_cells(html: str) -> list[str]:
    """The text of the category column (the fifth cell after the selection box) of every row."""
    cells = []
    for row in re.findall(r'<tr data-testid="row".*?</tr>', html, flags=re.S):
        texts = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, flags=re.S)]
        cells.append(texts[5])
    return cells


@pytest.mark.slow
def test_the_first_list_page_of_a_cold_connection_shows_the_documents_at_once(
    real_limit, portal, connection, sandbox, quipu_account, settings, django_capture_on_commit_callbacks
):
    app_id = quipu_account["app_id"]
    # Cold: nothing cached, and the warm-up asked for when the connection was added is long forgotten.
    cache_clear()
    before = _account_stats(sandbox, app_id)["requests"]

    with django_capture_on_commit_callbacks() as warm_ups:
        started = time.monotonic()
        first = portal.get(connection_reverse("invoices:list"))
        first_seconds = time.monotonic() - started
    spent = _account_stats(sandbox, app_id)["requests"] - before
    print(f"cold first page: {spent} Quipu requests, {first_seconds:.2f} s")

    assert first.status_code == 200
    assert first_seconds < settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS
    first_html = first.content.decode()
    assert first_html.count('data-testid="row"') > 0
    assert STILL_LOADING in first_html
    assert spent <= 5
    # One warm-up is asked for, however many lookups the page could not make.
    assert len(warm_ups) == 1

    # What the worker runs once the page's transaction commits.
    assert warm_reference_data(connection.pk) == "warm"
    assert reference_data_cached(client_for(connection)).complete

    started = time.monotonic()
    second = portal.get(connection_reverse("invoices:list"))
    second_seconds = time.monotonic() - started
    print(f"second page: {second_seconds:.2f} s")
    assert second.status_code == 200
    second_html = second.content.decode()
    assert STILL_LOADING not in second_html
    categories = {c.name for c in reference_data_cached(client_for(connection)).accounting_categories}
    shown = _category_cells(second_html)
    assert LOADING_PLACEHOLDER not in shown
    assert any(name in categories for name in shown)

    assert _account_stats(sandbox, app_id)["over_limit"] == 0


def test_choosing_a_connection_warms_its_reference_data_once_in_the_background(
    portal, connection, django_capture_on_commit_callbacks
):
    cache_clear()
    with django_capture_on_commit_callbacks() as warm_ups:
        for _ in range(2):
            response = portal.post(reverse("connections:activate"), {"connection": connection.pk})
            assert response.status_code == 302
    assert len(warm_ups) == 1
    assert not reference_data_cached(client_for(connection)).complete

    assert warm_reference_data(connection.pk) == "warm"
    assert reference_data_cached(client_for(connection)).complete
