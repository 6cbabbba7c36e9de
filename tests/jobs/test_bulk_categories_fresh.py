"""Bulk category jobs write from a fresh read, and never take someone else's change for their own."""

import pytest

from quipu_portal.bulk_categories.changes import category_state, write_input
from quipu_portal.bulk_categories.handlers import CategoryWriteHandler
from quipu_portal.bulk_categories.services import job_undo
from quipu_portal.jobs.models import ItemState
from quipu_portal.quipu.jsonapi import item_to_input
from quipu_portal.quipu.records import RecordInput
from tests.helpers import run_to_end

from .conftest import add_expense_documents, change_to, preview

pytestmark = pytest.mark.django_db


def _requests(sandbox, account) -> dict:
    return sandbox.stats()["accounts"][account["app_id"]]


def test_a_document_someone_else_already_changed_is_already_so_and_undo_leaves_it(
    accountant, connection, quipu, targets
):
    created = add_expense_documents(quipu, targets, invoices=3)
    job = preview(accountant, connection, quipu, change_to(targets), ids=[record.id for record in created])
    theirs = job.items.get(document_id=created[0].id)
    # A colleague makes exactly the same change in Quipu before the job runs.
    record = quipu.retrieve("invoices", theirs.document_id, include=["items"])
    quipu.update("invoices", record.id, write_input(record, theirs.after))

    job = run_to_end(job)

    theirs.refresh_from_db()
    assert theirs.state == ItemState.SKIPPED and theirs.error.startswith("Already so in Quipu")
    assert job.changed_count == 2
    undo = run_to_end(job_undo(job=job))
    assert undo.changed_count == 2
    after = category_state(quipu.retrieve("invoices", theirs.document_id, include=["items"]))
    assert after == theirs.after  # the colleague's change is not reverted with this job


def test_a_line_edited_in_quipu_while_the_job_runs_is_kept(
    accountant, connection, quipu, targets, monkeypatch
):
    created = add_expense_documents(quipu, targets, invoices=3)
    job = preview(
        accountant, connection, quipu, change_to(targets, scope="document"), ids=[r.id for r in created]
    )
    first, later = job.items.order_by("position")[0], job.items.order_by("position")[2]
    process_item = CategoryWriteHandler.process_item

    def and_meanwhile(self, *, job, item, client, prefetched):
        outcome = process_item(self, job=job, item=item, client=client, prefetched=prefetched)
        if item.pk == first.pk:
            # While the job writes the first document, someone renames a line of a later one.
            record = quipu.retrieve("invoices", later.document_id, include=["items"])
            lines = [item_to_input(line) for line in record.items]
            lines[0].attributes["concept"] = "Renamed while the job ran"
            quipu.update("invoices", record.id, RecordInput(items=lines))
        return outcome

    monkeypatch.setattr(CategoryWriteHandler, "process_item", and_meanwhile)

    job = run_to_end(job)

    final = quipu.retrieve("invoices", later.document_id, include=["items"])
    assert job.changed_count == 3
    assert final.items[0].concept == "Renamed while the job ran"
    assert final.accounting_category.id == targets.category.id


def test_with_line_categories_each_document_is_read_again_right_before_its_write(
    accountant, connection, quipu, targets, monkeypatch, settings
):
    settings.QUIPU_JOB_REREAD_SECONDS = 0  # every write re-reads its document's page first
    created = add_expense_documents(quipu, targets, invoices=3)
    job = preview(
        accountant, connection, quipu, change_to(targets, scope="both"), ids=[r.id for r in created]
    )
    first, later = job.items.order_by("position")[0], job.items.order_by("position")[2]
    process_item = CategoryWriteHandler.process_item

    def and_meanwhile(self, *, job, item, client, prefetched):
        outcome = process_item(self, job=job, item=item, client=client, prefetched=prefetched)
        if item.pk == first.pk:
            record = quipu.retrieve("invoices", later.document_id, include=["items"])
            lines = [item_to_input(line) for line in record.items]
            lines[0].attributes["concept"] = "Renamed while the job ran"
            quipu.update("invoices", record.id, RecordInput(items=lines))
        return outcome

    monkeypatch.setattr(CategoryWriteHandler, "process_item", and_meanwhile)

    job = run_to_end(job)

    final = quipu.retrieve("invoices", later.document_id, include=["items"])
    assert job.changed_count == 3
    assert final.items[0].concept == "Renamed while the job ran"
    assert category_state(final)["items"][0]["accounting_category"] == targets.category.id


def test_a_fresh_read_costs_one_page_per_few_writes_not_a_get_per_document(
    accountant, connection, quipu, targets, sandbox, quipu_account
):
    created = add_expense_documents(quipu, targets, invoices=30)
    job = preview(accountant, connection, quipu, change_to(targets), ids=[r.id for r in created])
    before = _requests(sandbox, quipu_account)["requests"]

    job = run_to_end(job)

    spent = _requests(sandbox, quipu_account)["requests"] - before
    assert job.changed_count == 30
    # 30 PATCHes, the listing page read again once (all within the re-read window here) and the
    # reference data for the change log: nowhere near a GET per document.
    assert spent <= 30 + 5, spent
