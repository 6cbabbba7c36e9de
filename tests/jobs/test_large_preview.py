"""Previewing a change of hundreds of documents: a page view cannot read them all within Quipu's rate
limit, so a background task reads them while the page shows its progress, then the preview appears."""

import datetime
import time

import pytest
from django.utils import timezone

from quipu_portal.bulk_categories import services
from quipu_portal.bulk_categories.changes import CategoryChange
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import ItemState, Job, JobItem
from quipu_portal.jobs.registry import handler_for
from quipu_portal.jobs.services import job_run_chunk, job_sweep
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import (
    IN_REQUEST_PAGES,
    PAGE_SIZE,
    Selection,
    selection_list_page,
)
from tests.helpers import read_to_end

from .conftest import preview

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# Every expense invoice of the demo workshop: several hundred, several pages of 100.
EXPENSE_INVOICES = "kind=expenses"


@pytest.fixture
def quipu_account(sandbox):
    """The demo car workshop: about 1,300 documents over three years."""
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


@pytest.fixture
def other_services(quipu):
    return next(c for c in reference_data(quipu).accounting_categories if c.prefix == "629")


def _select_all(category, **extra):
    data = {
        "namespace": "invoices",
        "query": EXPENSE_INVOICES,
        "select_all": "1",
        "scope": "document",
        "category": category.id,
        "analytic_action": "keep",
    }
    data.update(extra)
    return data


def _selection() -> Selection:
    return services.bulk_categories_selection(namespace="invoices", query=EXPENSE_INVOICES, ids=None)


def _expected_total(quipu) -> int:
    return selection_list_page(client=quipu, selection=_selection(), page=1).total_results


def test_select_all_of_hundreds_of_documents_is_read_in_the_background_then_previewed(
    portal, accountant, connection, quipu, other_services, django_capture_on_commit_callbacks
):
    expected = _expected_total(quipu)
    assert expected > IN_REQUEST_PAGES * PAGE_SIZE

    with django_capture_on_commit_callbacks() as callbacks:
        response = portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == connection_reverse("jobs:bulk_categories_preview", args=[job.pk])
    # The page view read one page, saw how many there are, and handed the rest to one task.
    assert job.status == "preparing"
    assert job.total == PAGE_SIZE
    assert len(callbacks) == 1

    page = portal.get(response["Location"]).content.decode()
    assert f"Reading {expected} documents from Quipu… 100 read." in page
    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="confirm"' not in page
    polled = portal.get(response["Location"], headers=HX)
    assert polled.status_code == 200
    assert "<html" not in polled.content.decode()
    # Not confirmable, not listed among the jobs, and its job page is the preview.
    portal.post(response["Location"], {"action": "run"})
    job.refresh_from_db()
    assert job.status == "preparing"
    assert (
        f'href="{connection_reverse("jobs:detail", args=[job.pk])}"'
        not in portal.get(connection_reverse("jobs:list")).content.decode()
    )
    assert portal.get(connection_reverse("jobs:detail", args=[job.pk]))["Location"] == response["Location"]

    job = read_to_end(job)
    assert job.status == "draft"
    ready = portal.get(response["Location"], headers=HX)
    assert ready.status_code == 286  # htmx swaps in the preview and stops polling
    html = ready.content.decode()
    assert "every 2s" not in html
    assert 'data-testid="confirm"' in html
    assert "documents will change." in html

    # The same documents and counts as reading everything within one request would give.
    change = CategoryChange(scope="document", category_id=other_services.id, category_kind="expenses")
    in_request = preview(
        accountant, connection, quipu, change, filters={"kind": "expenses", "type": "invoices"}
    )
    assert job.total == in_request.total == expected
    assert (job.skipped_count, job.changed_count) == (in_request.skipped_count, 0)
    assert set(job.items.values_list("document_id", flat=True)) == set(
        in_request.items.values_list("document_id", flat=True)
    )
    summary = services.bulk_categories_preview_summary(job=job)
    assert f"{summary.to_change} documents will change." in html
    assert summary.to_change == in_request.items.filter(state=ItemState.PENDING).count() > 200

    response = portal.post(
        connection_reverse("jobs:bulk_categories_preview", args=[job.pk]), {"action": "run"}
    )
    job.refresh_from_db()
    assert job.status == "pending"
    assert response["Location"] == connection_reverse("jobs:detail", args=[job.pk])


@pytest.mark.slow
def test_at_quipus_real_rate_limit_the_page_answers_at_once_and_the_task_reads_the_rest(
    portal, quipu, other_services, sandbox, quipu_account, settings
):
    every_document = {"namespace": "book_entries", "query": ""}
    selection = services.bulk_categories_selection(**every_document, ids=None)
    expected = selection_list_page(client=quipu, selection=selection, page=1).total_results
    assert expected > 1000  # more pages than one page view could read at 5 requests per 5 s
    settings.QUIPU_RATE_LIMIT = "5/5s"
    sandbox.set_rate(5, 5.0, app_id=quipu_account["app_id"])
    time.sleep(5)  # the requests made to arrange the test leave the window

    started = time.monotonic()
    response = portal.post(
        connection_reverse("jobs:bulk_categories"), _select_all(other_services, **every_document)
    )
    seconds = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    assert seconds < settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS
    job = read_to_end(Job.objects.get())
    assert job.status == "draft"
    assert job.total == expected
    assert sandbox.stats()["accounts"][quipu_account["app_id"]]["over_limit"] == 0


def test_a_fault_while_reading_says_so_and_trying_again_carries_on(
    portal, quipu, other_services, sandbox, quipu_account, django_capture_on_commit_callbacks, settings
):
    settings.QUIPU_JOB_CHUNK_SECONDS = 0  # one page per task, so Quipu can fail halfway
    portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    job = Job.objects.get()
    job_run_chunk(job_id=job.pk)
    job.refresh_from_db()
    assert job.total == 2 * PAGE_SIZE

    sandbox.set_faults(app_id=quipu_account["app_id"], p500=1.0, seed=1)
    try:
        job = read_to_end(job)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])
    assert job.status == "preparation_failed"
    url = connection_reverse("jobs:bulk_categories_preview", args=[job.pk])
    polled = portal.get(url, headers=HX)
    assert polled.status_code == 286
    html = polled.content.decode()
    assert "Reading the documents from Quipu stopped: Quipu had an internal error. Try again later." in html
    assert "200 documents were read before it stopped." in html
    assert 'data-testid="read-again"' in html and 'data-testid="confirm"' not in html

    with django_capture_on_commit_callbacks() as callbacks:
        response = portal.post(url, {"action": "read_again"})
    assert response["Location"] == url
    assert len(callbacks) == 1
    job = read_to_end(job)
    assert job.status == "draft"
    assert job.message == ""
    assert job.total == _expected_total(quipu)
    assert "documents will change." in portal.get(url).content.decode()


def test_a_task_killed_while_reading_is_swept_and_reads_no_document_twice(
    portal, quipu, other_services, settings, django_capture_on_commit_callbacks
):
    settings.QUIPU_JOB_CHUNK_SECONDS = 0
    portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    job = Job.objects.get()
    job_run_chunk(job_id=job.pk)
    # A task took the lease and read the next page, then its worker died before storing it.
    in_a_minute = timezone.now() + datetime.timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(lease_owner="dead-worker", lease_expires_at=in_a_minute)
    job.refresh_from_db()
    handler_for(job.kind).prepare(job=job, client=quipu)
    assert job_run_chunk(job_id=job.pk) == "busy"  # a redelivered task leaves it to the lease holder
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert job_sweep() == [job.pk]
    assert len(callbacks) == 1

    job = read_to_end(job)
    assert job.status == "draft"
    expected = _expected_total(quipu)
    assert job.total == expected
    assert job.params["preparing"]["read"] == expected
    positions = list(JobItem.objects.filter(job=job).values_list("position", flat=True))
    assert len(positions) == len(set(positions)) == expected


def test_another_user_cannot_see_confirm_or_discard_a_draft_being_read(
    client, other_user, portal, other_services
):
    portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    job = Job.objects.get()
    url = connection_reverse("jobs:bulk_categories_preview", args=[job.pk])
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.get(url, headers=HX).status_code == 404
    for action in ("run", "read_again", "discard"):
        assert client.post(url, {"action": action}).status_code == 404, action
    job.refresh_from_db()
    assert job.status == "preparing"


def test_discarding_while_reading_stops_the_task(portal, other_services):
    portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    job = Job.objects.get()
    response = portal.post(
        connection_reverse("jobs:bulk_categories_preview", args=[job.pk]), {"action": "discard"}
    )
    assert response["Location"] == connection_reverse("jobs:list")
    assert not Job.objects.exists()
    assert job_run_chunk(job_id=job.pk) == "gone"
    assert not JobItem.objects.exists()


def test_more_documents_than_a_job_takes_are_refused_before_reading_them(portal, other_services, monkeypatch):
    monkeypatch.setattr(services, "MAX_DOCUMENTS", 300)
    response = portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    assert response.status_code == 200
    assert "At most 300 documents can be changed at once. Narrow the filter." in response.content.decode()
    assert not Job.objects.exists()


def test_unconfirmed_jobs_are_deleted_after_a_day(portal, other_services):
    for _ in range(2):
        portal.post(connection_reverse("jobs:bulk_categories"), _select_all(other_services))
    old, fresh = Job.objects.order_by("pk")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    job_sweep()
    assert list(Job.objects.all()) == [fresh]
    assert not JobItem.objects.filter(job_id=old.pk).exists()
