"""Deleting every document of a list of hundreds: a page view cannot read them all within Quipu's rate
limit, so the job reads them in the background while the page shows its progress, then asks for
confirmation."""

import time

import pytest

from quipu_portal.bulk_delete import services as bulk_delete
from quipu_portal.bulk_delete.kinds import BULK_DELETE
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import ItemState, Job
from quipu_portal.jobs.services import job_run_chunk
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import (
    IN_REQUEST_PAGES,
    PAGE_SIZE,
    selection_from_query,
    selection_list_page,
)
from tests.helpers import read_to_end, run_to_end

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# Every expense invoice of the demo workshop: several hundred, several pages of 100.
EXPENSE_INVOICES = "kind=expenses"
# Every invoice of the workshop, income and expenses: several hundred, up to the cap of a deletion.
EVERY_INVOICE = ""


@pytest.fixture
def quipu_account(sandbox):
    """The demo car workshop: about 1,300 documents over three years."""
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


def expected_total(quipu, query=EXPENSE_INVOICES) -> int:
    """How many documents the list shows now."""
    connection_reverse("invoices:list")  # the document lists register themselves when the URLs load
    selection = selection_from_query(admin=REGISTRY["invoices"], query=query, ids=None)
    return selection_list_page(client=quipu, selection=selection, page=1).total_results


def delete_all(portal, query=EXPENSE_INVOICES):
    return portal.post(
        connection_reverse("invoices:bulk"), {"action": "delete", "select_across": "1", "query": query}
    )


def test_select_all_of_hundreds_is_read_in_the_background_then_confirmed_and_deleted(
    portal, quipu, django_capture_on_commit_callbacks
):
    expected = expected_total(quipu)
    assert IN_REQUEST_PAGES * PAGE_SIZE < expected <= bulk_delete.MAX_DOCUMENTS

    with django_capture_on_commit_callbacks() as callbacks:
        response = delete_all(portal)
    job = Job.objects.get(kind=BULK_DELETE)
    url = connection_reverse("invoices:bulk-delete", args=[job.pk])
    assert response["Location"] == url
    # The page view read one page, saw how many there are, and handed the rest to one task.
    assert job.status == "preparing" and job.total == PAGE_SIZE
    assert len(callbacks) == 1

    page = portal.get(url).content.decode()
    assert f"Reading {expected} documents from Quipu… 100 read." in page
    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="confirm-bulk-delete"' not in page
    # Nothing can be started while reading, and the job pages send the user here.
    portal.post(url, {"action": "run"})
    job.refresh_from_db()
    assert job.status == "preparing"
    assert portal.get(connection_reverse("jobs:detail", args=[job.pk]))["Location"] == url

    job = read_to_end(job)
    assert job.status == "draft" and job.total == expected
    ready = portal.get(url, headers=HX)
    assert ready.status_code == 286  # htmx swaps in the confirmation and stops polling
    html = ready.content.decode()
    assert "every 2s" not in html
    assert f"Yes, delete {expected} documents" in html
    assert f"{expected} documents will be deleted in Quipu" in html

    response = portal.post(url, {"action": "run"})
    assert response["Location"] == connection_reverse("jobs:detail", args=[job.pk])
    job = run_to_end(job)
    assert job.status == "finished"
    assert job.changed_count + job.skipped_count + job.failed_count == expected
    assert job.changed_count > 0
    # What is left in the list is what Quipu refused to delete, each with its reason.
    assert expected_total(quipu) == job.failed_count
    assert not job.items.filter(state=ItemState.FAILED, error="").exists()


@pytest.mark.slow
def test_at_quipus_real_rate_limit_the_page_answers_at_once_and_the_task_reads_the_rest(
    portal, quipu, sandbox, quipu_account, settings
):
    expected = expected_total(quipu, EVERY_INVOICE)
    # Close to the cap, and more pages than one page view could read at 5 requests per 5 s.
    assert 4 * PAGE_SIZE < expected <= bulk_delete.MAX_DOCUMENTS
    settings.QUIPU_RATE_LIMIT = "5/5s"
    sandbox.set_rate(5, 5.0, app_id=quipu_account["app_id"])
    time.sleep(5)  # the requests made to arrange the test leave the window

    started = time.monotonic()
    response = delete_all(portal, EVERY_INVOICE)
    seconds = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    assert seconds < settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS
    job = Job.objects.get()
    progress = portal.get(response["Location"])
    assert f"Reading {expected} documents from Quipu…" in progress.content.decode()
    job = read_to_end(job)
    assert job.status == "draft"
    assert job.total == expected
    assert sandbox.stats()["accounts"][quipu_account["app_id"]]["over_limit"] == 0


def test_a_fault_while_reading_says_so_and_trying_again_carries_on(
    portal, quipu, sandbox, quipu_account, settings
):
    settings.QUIPU_JOB_CHUNK_SECONDS = 0  # one page per task, so Quipu can fail halfway
    delete_all(portal)
    job = Job.objects.get()
    job_run_chunk(job_id=job.pk)
    sandbox.set_faults(app_id=quipu_account["app_id"], p500=1.0, seed=1)
    try:
        job = read_to_end(job)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])
    assert job.status == "preparation_failed"
    url = connection_reverse("invoices:bulk-delete", args=[job.pk])
    polled = portal.get(url, headers=HX)
    assert polled.status_code == 286
    html = polled.content.decode()
    assert "Reading the documents from Quipu stopped: Quipu had an internal error. Try again later." in html
    assert "200 documents were read before it stopped." in html
    assert 'data-testid="read-again"' in html and 'data-testid="confirm-bulk-delete"' not in html

    assert portal.post(url, {"action": "read_again"})["Location"] == url
    job = read_to_end(job)
    assert job.status == "draft" and job.message == ""
    assert job.total == expected_total(quipu)


def test_cancelling_while_reading_deletes_nothing_and_stops_the_task(portal, quipu):
    delete_all(portal)
    job = Job.objects.get()
    response = portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "discard"})
    assert response["Location"] == connection_reverse("invoices:list") + "?" + EXPENSE_INVOICES
    assert not Job.objects.exists()
    assert job_run_chunk(job_id=job.pk) == "gone"


def test_another_user_cannot_see_confirm_or_cancel_a_deletion_being_read(client, other_user, portal):
    delete_all(portal)
    job = Job.objects.get()
    url = connection_reverse("invoices:bulk-delete", args=[job.pk])
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    for action in ("run", "read_again", "discard"):
        assert client.post(url, {"action": action}).status_code == 404, action
    job.refresh_from_db()
    assert job.status == "preparing"


def test_more_than_the_cap_is_refused_before_reading_them(portal, quipu, monkeypatch):
    monkeypatch.setattr(bulk_delete, "MAX_DOCUMENTS", 300)
    response = delete_all(portal)
    assert not Job.objects.exists()
    page = portal.get(response["Location"]).content.decode()
    assert "At most 300 documents can be deleted at once. Narrow the filter." in page
