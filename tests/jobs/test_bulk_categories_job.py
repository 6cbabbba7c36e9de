"""A category change over 200+ documents of mixed types, run by the task function in this process."""

import pytest
from django.utils import translation

from quipu_portal.audit.models import AuditEntry
from quipu_portal.bulk_categories.changes import category_state
from quipu_portal.bulk_categories.services import job_undo
from quipu_portal.jobs.models import ItemState
from quipu_portal.quipu.records import RecordInput
from quipu_portal.resource_admin.selection import SelectionError
from tests.helpers import run_to_end

from .conftest import add_expense_documents, change_to, preview, snapshot

pytestmark = pytest.mark.django_db


def _requests(sandbox, account) -> int:
    return sandbox.stats()["accounts"][account["app_id"]]["requests"]


def _expected(targets, record, before_state):
    """What a document should hold after the change, by its type."""
    state = {
        "accounting_category": targets.category.id,
        "accounting_subcategory": targets.subcategory.id,
        "analytic_categories": sorted({*before_state["analytic_categories"], targets.analytic_leaf.id}),
    }
    if "items" in before_state:
        state["items"] = [
            {
                "id": line["id"],
                "accounting_category": targets.category.id,
                "accounting_subcategory": targets.subcategory.id,
            }
            for line in before_state["items"]
        ]
    return state


def _without_categories(lines):
    return [{key: value for key, value in line.items()} for line in lines]


def test_job_over_200_documents_changes_each_once_and_keeps_lines(
    accountant, connection, quipu, targets, sandbox, quipu_account
):
    add_expense_documents(quipu, targets, invoices=100, simplified=40, tickets=30, matching=20)
    before = snapshot(quipu)
    assert len(before) >= 200

    job = preview(accountant, connection, quipu, change_to(targets))
    skipped_at_preview = set(job.items.filter(state=ItemState.SKIPPED).values_list("document_id", flat=True))
    paysheets = {key for key in before if key[0] == "paysheets"}
    matching = {
        key for key, doc in before.items() if doc["state"] == _expected(targets, doc["record"], doc["state"])
    }
    assert len(matching) == 20
    assert job.total == len(before)
    assert job.skipped_count == len(matching) + len(paysheets)

    requests_before_run = _requests(sandbox, quipu_account)
    job = run_to_end(job)
    spent = _requests(sandbox, quipu_account) - requests_before_run

    after = snapshot(quipu)
    to_change = set(before) - matching - paysheets
    assert job.status == "finished"
    assert (job.changed_count, job.skipped_count, job.failed_count) == (
        len(to_change),
        len(matching) + len(paysheets),
        0,
    )
    for key in to_change:
        assert after[key]["state"] == _expected(targets, before[key]["record"], before[key]["state"]), key
        # Same lines, same ids, same amounts and texts: only the category relationships moved.
        assert after[key]["lines"] == before[key]["lines"], key
    for key in matching | paysheets:
        assert after[key]["state"] == before[key]["state"], key
        assert after[key]["lines"] == before[key]["lines"], key
    assert {key[1] for key in matching | paysheets} <= skipped_at_preview
    paysheet_reasons = set(job.items.filter(resource="paysheets").values_list("error", flat=True))
    assert paysheet_reasons == {
        "Quipu sets the category of paysheets itself; only the subcategory can change."
    }

    # One PATCH per changed document plus a page read per chunk (and reference data once): nothing
    # spent on skipped documents, no document written twice.
    chunks = -(-len(to_change) // 25)
    assert len(to_change) <= spent <= len(to_change) + 2 * chunks + 5
    logged = AuditEntry.objects.filter(job=job)
    assert logged.values("document_id").distinct().count() == len(to_change)
    assert logged.filter(field="accounting_subcategory").count() == len(to_change)
    assert logged.values("document_id", "field").distinct().count() == logged.count()


def test_undo_restores_before_values_and_skips_documents_edited_since(accountant, connection, quipu, targets):
    add_expense_documents(quipu, targets, invoices=12, tickets=5)
    before = snapshot(quipu)
    job = run_to_end(preview(accountant, connection, quipu, change_to(targets, scope="both")))
    assert job.changed_count > 10

    edited = job.items.filter(state=ItemState.CHANGED, resource="invoices").first()
    # Someone fixes one document by hand in Quipu after the job: the undo must not overwrite that.
    quipu.update("invoices", edited.document_id, RecordInput(relationships={"analytic_categories": []}))

    undo = run_to_end(job_undo(job=job))
    after = snapshot(quipu)
    assert undo.status == "finished"
    assert undo.changed_count == job.changed_count - 1
    assert undo.skipped_count == 1
    assert undo.items.get(document_id=edited.document_id).error.startswith("Edited in Quipu since")
    for key, doc in before.items():
        if key[1] == edited.document_id:
            assert after[key]["state"] != doc["state"]
            continue
        assert after[key]["state"] == doc["state"], key
        assert after[key]["lines"] == doc["lines"], key
    with translation.override("en"), pytest.raises(SelectionError, match="cannot be undone"):
        job_undo(job=job)


def test_a_document_edited_after_the_preview_is_read_again_and_keeps_the_edit(
    accountant, connection, quipu, targets
):
    created = add_expense_documents(quipu, targets, invoices=3)
    job = preview(accountant, connection, quipu, change_to(targets), ids=[record.id for record in created])
    edited = quipu.retrieve("invoices", created[0].id, include=["items"])
    first = edited.items[0]
    lines = [
        {"attributes": {"concept": "Renamed after the preview", "quantity": "7"}, "id": first.id},
        {"id": edited.items[1].id},
    ]
    from quipu_portal.quipu.records import ItemInput

    quipu.update(
        "invoices",
        edited.id,
        RecordInput(
            items=[ItemInput(attributes=line.get("attributes", {}), id=line["id"]) for line in lines]
        ),
    )

    job = run_to_end(job)
    final = quipu.retrieve("invoices", edited.id, include=["items"])
    assert job.changed_count == 3
    assert final.items[0].concept == "Renamed after the preview"
    assert str(final.items[0].quantity) in ("7", "7.0")
    assert category_state(final)["items"][0]["accounting_category"] == targets.category.id


def test_under_injected_429_and_5xx_faults_the_job_still_completes_correctly(
    accountant, connection, quipu, targets, sandbox, quipu_account
):
    add_expense_documents(quipu, targets, invoices=20, simplified=8, tickets=8)
    before = snapshot(quipu)
    job = preview(
        accountant,
        connection,
        quipu,
        change_to(targets, scope="document", analytic_action="keep", analytic_ids=()),
    )
    sandbox.set_faults(app_id=quipu_account["app_id"], p429=0.05, p500=0.1, p502=0.1, p503=0.1, seed=7)
    try:
        job = run_to_end(job)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])
    assert job.status == "finished"
    assert job.failed_count == 0
    after = snapshot(quipu)
    for key, doc in before.items():
        if key[0] == "paysheets":
            continue
        assert after[key]["state"]["accounting_category"] == targets.category.id, key
        assert after[key]["lines"] == doc["lines"], key
    logged = AuditEntry.objects.filter(job=job)
    assert logged.values("document_id").distinct().count() == job.changed_count
    assert logged.values("document_id", "field").distinct().count() == logged.count()


def test_retry_failed_reruns_only_the_failed_rows(
    accountant, connection, quipu, targets, sandbox, quipu_account, settings
):
    settings.QUIPU_JOB_CHUNK_SIZE = 5
    add_expense_documents(quipu, targets, invoices=12)
    job = preview(
        accountant,
        connection,
        quipu,
        change_to(targets),
        filters={"kind": "expenses", "period": "2025", "type": "invoices"},
    )
    from quipu_portal.jobs.services import job_retry_failed, job_run_chunk, job_start

    job_start(job=job)
    job_run_chunk(job_id=job.pk)
    job.refresh_from_db()
    changed_first = set(job.items.filter(state=ItemState.CHANGED).values_list("document_id", flat=True))
    assert len(changed_first) == 5

    sandbox.set_faults(app_id=quipu_account["app_id"], p500=1.0, seed=1)
    try:
        job = run_to_end(job)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])
    assert job.status == "finished"
    assert job.failed_count == job.total - job.skipped_count - 5

    job = run_to_end(job_retry_failed(job=job))
    assert job.failed_count == 0
    assert job.changed_count == job.total - job.skipped_count
    # The rows done before were not done again.
    for document_id in changed_first:
        assert (
            AuditEntry.objects.filter(job=job, document_id=document_id, field="accounting_category").count()
            == 1
        )


def test_cancel_stops_after_the_current_document_and_retry_resumes(
    accountant, connection, quipu, targets, settings
):
    settings.QUIPU_JOB_CHUNK_SIZE = 4
    add_expense_documents(quipu, targets, invoices=10)
    from quipu_portal.jobs.services import job_cancel, job_retry_failed, job_run_chunk, job_start

    job = preview(
        accountant,
        connection,
        quipu,
        change_to(targets),
        filters={"kind": "expenses", "period": "2025", "type": "invoices"},
    )
    job_start(job=job)
    job_run_chunk(job_id=job.pk)
    job_cancel(job=job)
    job_run_chunk(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert job.changed_count == 4
    assert job.items.filter(state=ItemState.PENDING).count() == job.total - job.skipped_count - 4

    job = run_to_end(job_retry_failed(job=job))
    assert job.status == "finished"
    assert job.changed_count == job.total - job.skipped_count


def test_a_chunk_past_its_time_finishes_the_jobs_last_documents_itself(
    accountant, connection, quipu, targets, sandbox, quipu_account, settings
):
    """Handing a few seconds of work on would cost a trip through the broker and a second read of the
    documents' page: the chunk that holds the job's last documents finishes them, a little late."""
    from quipu_portal.jobs.services import job_run_chunk, job_start

    settings.QUIPU_JOB_CHUNK_SECONDS = 0.05  # past after the first document or two
    add_expense_documents(quipu, targets, invoices=8)
    job = preview(
        accountant,
        connection,
        quipu,
        change_to(targets),
        filters={"kind": "expenses", "period": "2025", "type": "invoices"},
    )
    to_change = job.total - job.skipped_count
    job_start(job=job)
    before = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"]

    assert job_run_chunk(job_id=job.pk) == "finished"

    job.refresh_from_db()
    assert job.changed_count == to_change
    # One read of the documents' page, then one PATCH each: no second chunk re-read it.
    assert sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"] - before == to_change + 1


def test_a_chunk_past_its_time_with_more_of_the_job_after_it_hands_on(
    accountant, connection, quipu, targets, settings
):
    from quipu_portal.jobs.services import job_run_chunk, job_start

    settings.QUIPU_JOB_CHUNK_SECONDS = 0  # past from the start: the chunk does its one document
    settings.QUIPU_JOB_CHUNK_SIZE = 6
    add_expense_documents(quipu, targets, invoices=8)
    job = preview(
        accountant,
        connection,
        quipu,
        change_to(targets),
        filters={"kind": "expenses", "period": "2025", "type": "invoices"},
    )
    job_start(job=job)

    assert job_run_chunk(job_id=job.pk) == "more"

    job.refresh_from_db()
    assert 0 < job.changed_count < 6  # its counters are written when the chunk hands on
