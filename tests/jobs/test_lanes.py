"""At a raised limit a chunk's documents are shared by two lanes (threads) of the same task: the sends
stay on time while one lane reads a listing page or records an outcome. Run outside a test
transaction, as a worker runs them (each lane has its own database connection)."""

import logging
import threading
import time

import pytest

from quipu_portal.audit.models import AuditEntry
from quipu_portal.bulk_categories.changes import category_state
from quipu_portal.jobs.models import ItemState, Job
from quipu_portal.jobs.registry import handler_for
from quipu_portal.jobs.services import job_cancel, job_run_chunk, job_start
from tests.helpers import run_to_end

from .conftest import add_expense_documents, change_to, preview, snapshot

pytestmark = pytest.mark.django_db(transaction=True)

INVOICES_2025 = {"kind": "expenses", "period": "2025", "type": "invoices"}


def _job(accountant, connection, quipu, targets, invoices: int) -> Job:
    add_expense_documents(quipu, targets, invoices=invoices)
    return preview(accountant, connection, quipu, change_to(targets), filters=INVOICES_2025)


def _changed_documents(job: Job) -> int:
    """Documents the change log shows written (one entry per changed field, so not the entry count)."""
    return AuditEntry.objects.filter(job=job, field="accounting_category").count()


def _patching_threads(records) -> set[str]:
    return {record.threadName for record in records if "quipu PATCH" in record.getMessage()}


def test_two_lanes_write_every_document_once_and_count_it_once(
    accountant, connection, quipu, targets, sandbox, quipu_account, caplog
):
    job = _job(accountant, connection, quipu, targets, invoices=60)
    to_change = job.total - job.skipped_count
    before = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"]

    with caplog.at_level(logging.INFO, logger="quipu_portal.quipu.client"):
        job = run_to_end(job)

    assert len(_patching_threads(caplog.records)) == 2
    assert job.status == "finished"
    assert (job.changed_count, job.failed_count) == (to_change, 0)
    after = snapshot(quipu, filters=INVOICES_2025)
    assert all(doc["state"]["accounting_category"] == targets.category.id for doc in after.values())
    logged = AuditEntry.objects.filter(job=job, field="accounting_category")
    assert logged.count() == logged.values("document_id").distinct().count() == to_change
    # One PATCH a document, and each lane reads its own listing page.
    spent = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"] - before
    assert to_change <= spent <= to_change + 3


def test_a_cancel_stops_both_lanes_and_what_they_wrote_is_counted(accountant, connection, quipu, targets):
    job = _job(accountant, connection, quipu, targets, invoices=80)
    job_start(job=job)
    running = threading.Thread(target=job_run_chunk, kwargs={"job_id": job.pk})
    running.start()
    deadline = time.monotonic() + 30
    while _changed_documents(job) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    job_cancel(job=job)
    running.join(timeout=60)

    job.refresh_from_db()
    assert job.status == "cancelled"
    changed_in_quipu = [
        doc
        for doc in snapshot(quipu, filters=INVOICES_2025).values()
        if doc["state"]["accounting_category"] == targets.category.id
    ]
    assert 10 <= job.changed_count == len(changed_in_quipu) < job.total - job.skipped_count
    assert (
        job.items.filter(state=ItemState.PENDING).count() == job.total - job.skipped_count - job.changed_count
    )
    assert AuditEntry.objects.filter(job=job, field="accounting_category").count() == job.changed_count


def test_a_lane_that_crashes_stops_the_chunk_and_the_next_one_carries_on(
    accountant, connection, quipu, targets, monkeypatch
):
    job = _job(accountant, connection, quipu, targets, invoices=60)
    handler = handler_for(job.kind)
    process_item = handler.process_item
    last_item = job.items.filter(state=ItemState.PENDING).order_by("-position").first()

    def crash_on_the_last(**kwargs):
        if kwargs["item"].pk == last_item.pk:
            raise RuntimeError("a bug in the handler")
        return process_item(**kwargs)

    monkeypatch.setattr(handler, "process_item", crash_on_the_last)
    job_start(job=job)
    with pytest.raises(RuntimeError):
        job_run_chunk(job_id=job.pk)
    job.refresh_from_db()
    assert job.crash_count == 1 and job.status == "running"

    monkeypatch.setattr(handler, "process_item", process_item)
    job = run_to_end(job)
    assert job.status == "finished"
    assert job.changed_count == job.total - job.skipped_count
    changed = [doc for doc in snapshot(quipu, filters=INVOICES_2025).values()]
    assert all(category_state(doc["record"])["accounting_category"] == targets.category.id for doc in changed)
