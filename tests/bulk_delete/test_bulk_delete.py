"""Bulk delete from a document list: the selection becomes a draft job, the user confirms, the job
deletes one document per request, and each outcome (deleted, already gone, refused) is shown and logged."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client

from quipu_portal.audit.models import AuditEntry
from quipu_portal.bulk_delete.kinds import BULK_DELETE
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import ItemState, Job
from quipu_portal.jobs.services import job_run_chunk
from quipu_portal.quipu.errors import QuipuNotFoundError
from quipu_portal.quipu.records import ItemInput, RecordInput
from tests.helpers import form_data, run_to_end

pytestmark = pytest.mark.django_db

# An empty month of the small seed: only the documents a test adds are in it.
EMPTY_MONTH = {"period": "month", "year": "2019", "month": "6"}
EMPTY_MONTH_QUERY = "period=month&year=2019&month=6&kind=expenses"
HX = {"HX-Request": "true"}


def add_expense_invoices(quipu, count: int) -> list:
    supplier = next(iter(quipu.iterate("contacts", page_size=5)))
    return [
        quipu.create(
            "invoices",
            RecordInput(
                attributes={
                    "kind": "expenses",
                    "issue_date": datetime.date(2019, 6, 3),
                    "number": f"BD-{n:02d}",
                },
                relationships={"contact": supplier.id},
                items=[
                    ItemInput(
                        attributes={
                            "concept": f"Material {n}",
                            "quantity": Decimal("1"),
                            "unitary_amount": Decimal("10.50"),
                            "vat_percent": Decimal("21"),
                        }
                    )
                ],
            ),
        )
        for n in range(count)
    ]


def exists(quipu, document_id) -> bool:
    try:
        quipu.retrieve("invoices", document_id)
    except QuipuNotFoundError:
        return False
    return True


def ask_to_delete(portal, ids=None, **extra):
    data = {"action": "delete", "query": EMPTY_MONTH_QUERY, **extra}
    if ids is not None:
        data["ids"] = ids
    return portal.post(connection_reverse("invoices:bulk"), data)


def test_twelve_documents_one_refused_one_already_gone(
    portal, quipu, accountant, connection, sandbox, quipu_account
):
    created = add_expense_invoices(quipu, 12)
    refused, gone = created[0], created[1]
    quipu.create("invoices", RecordInput(relationships={"amended_invoice": refused.id}))
    ids = [record.id for record in created]

    response = ask_to_delete(portal, ids)
    job = Job.objects.get(kind=BULK_DELETE)
    confirm_url = connection_reverse("invoices:bulk-delete", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == confirm_url
    assert job.status == "draft" and job.total == 12
    assert all(exists(quipu, document_id) for document_id in ids)  # nothing deleted before confirming

    page = portal.get(confirm_url).content.decode()
    assert "Delete 12 documents?" in page
    assert "12 documents will be deleted in Quipu, with their lines and attachments." in page
    assert "This cannot be undone." in page
    sample = page.split('data-testid="bulk-delete-sample"', 1)[1].split("</table>", 1)[0]
    assert "The first 8 of them" in sample
    assert len(re.findall(r"<td>Invoice BD-\d\d</td>", sample)) == 8

    quipu.delete("invoices", gone.id)  # deleted in Quipu meanwhile
    response = portal.post(confirm_url, {"action": "run"})
    assert response.status_code == 302 and response["Location"] == connection_reverse(
        "jobs:detail", args=[job.pk]
    )
    requests_before = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"]

    job = run_to_end(job)

    assert job.status == "finished"
    assert (job.changed_count, job.skipped_count, job.failed_count) == (10, 1, 1)
    # One DELETE per document, and one read of the refused one to say why.
    assert sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"] - requests_before <= 12 + 1 + 1
    assert exists(quipu, refused.id)
    assert not any(exists(quipu, record.id) for record in created[1:])
    assert job.items.get(document_id=gone.id).state == ItemState.SKIPPED
    refusal = job.items.get(document_id=refused.id)
    assert refusal.state == ItemState.FAILED
    assert "amending document (credit note) pointing to it" in refusal.error

    detail = portal.get(connection_reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-testid="count-changed">10<' in detail
    assert "Deleted" in detail and "Already gone" in detail and "Not deleted" in detail
    assert "Delete the credit note first" in detail
    assert f'href="{connection_reverse("invoices:detail", args=[refused.id])}"' in detail
    assert f'href="{connection_reverse("invoices:detail", args=[created[5].id])}"' not in detail

    logged = AuditEntry.objects.filter(user=accountant, job=job)
    assert set(logged.values_list("document_id", flat=True)) == {record.id for record in created[2:]}
    number = logged.get(document_id=created[5].id, field="number")
    assert (number.before, number.after) == ("BD-05", "")
    assert number.document_label == "Invoice BD-05"
    assert logged.filter(document_id=created[5].id, field__endswith=": concept").get().before == "Material 5"


def test_select_all_matching_the_filter_deletes_every_page(portal, quipu, settings):
    created = add_expense_invoices(quipu, 3)

    ask_to_delete(portal, select_across="1", query="period=month&year=2019&month=6")

    job = Job.objects.get(kind=BULK_DELETE)
    assert sorted(job.items.values_list("document_id", flat=True)) == sorted(r.id for r in created)
    portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})
    assert run_to_end(job).changed_count == 3
    listed = quipu.list("book_entries", filters={"type": "invoices", "period": "2019-06"})
    assert listed.total_results == 0


def test_more_than_the_cap_is_refused_before_anything_starts(portal, quipu, monkeypatch):
    monkeypatch.setattr("quipu_portal.bulk_delete.services.MAX_DOCUMENTS", 2)
    add_expense_invoices(quipu, 3)

    response = ask_to_delete(portal, select_across="1")

    assert response["Location"] == connection_reverse("invoices:list") + "?" + EMPTY_MONTH_QUERY
    assert not Job.objects.exists()
    page = portal.get(response["Location"]).content.decode()
    assert "At most 2 documents can be deleted at once. Narrow the filter." in page


def test_an_unreadable_filter_never_widens_the_selection(portal, quipu):
    add_expense_invoices(quipu, 1)

    response = ask_to_delete(portal, select_across="1", query="period=month&year=1800&month=6")

    assert response.status_code == 302
    assert not Job.objects.exists()


def test_nothing_ticked_or_no_action_goes_back_to_the_list(portal):
    assert ask_to_delete(portal).status_code == 302
    assert portal.post(connection_reverse("invoices:bulk"), {"ids": ["1"], "query": ""}).status_code == 302
    assert not Job.objects.exists()


def test_ticked_documents_no_longer_listed_are_left_alone(portal, quipu):
    kept, listed = add_expense_invoices(quipu, 2)
    elsewhere = quipu.retrieve(
        "invoices", next(iter(quipu.iterate("book_entries", filters={"type": "invoices"}))).id
    )

    ask_to_delete(portal, [listed.id, elsewhere.id])

    job = Job.objects.get(kind=BULK_DELETE)
    assert list(job.items.values_list("document_id", flat=True)) == [listed.id]
    page = portal.get(connection_reverse("invoices:bulk-delete", args=[job.pk])).content.decode()
    assert "1 ticked document is no longer in this list and will be left alone." in page
    assert exists(quipu, kept.id)


def test_discarding_the_draft_deletes_nothing(portal, quipu):
    created = add_expense_invoices(quipu, 2)
    ask_to_delete(portal, [record.id for record in created])
    job = Job.objects.get(kind=BULK_DELETE)

    response = portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "discard"})

    assert response["Location"] == connection_reverse("invoices:list") + "?" + EMPTY_MONTH_QUERY
    assert not Job.objects.exists()
    assert all(exists(quipu, record.id) for record in created)


def test_a_started_job_confirm_page_shows_its_progress(portal, quipu):
    created = add_expense_invoices(quipu, 1)
    ask_to_delete(portal, [created[0].id])
    job = Job.objects.get(kind=BULK_DELETE)
    portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})

    again = portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})

    assert again["Location"] == connection_reverse("jobs:detail", args=[job.pk])
    # A draft found through the job pages is sent to its confirmation.
    ask_to_delete(portal, [created[0].id])
    draft = Job.objects.filter(status="draft").get()
    assert portal.get(connection_reverse("jobs:detail", args=[draft.pk]))["Location"] == connection_reverse(
        "invoices:bulk-delete", args=[draft.pk]
    )
    # ...from its own list only.
    assert portal.get(connection_reverse("tickets:bulk-delete", args=[draft.pk])).status_code == 404


def test_the_progress_region_polls_until_the_deletion_is_over(portal, quipu):
    created = add_expense_invoices(quipu, 2)
    ask_to_delete(portal, [record.id for record in created])
    job = Job.objects.get(kind=BULK_DELETE)
    portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})

    running = portal.get(connection_reverse("jobs:detail", args=[job.pk]), headers=HX)
    assert running.status_code == 200 and 'hx-trigger="every 2s"' in running.content.decode()
    run_to_end(job)
    done = portal.get(connection_reverse("jobs:detail", args=[job.pk]), headers=HX)
    assert done.status_code == 286
    assert 'data-testid="job-percent">100%' in done.content.decode()


def test_cancel_stops_before_the_next_document(portal, quipu):
    created = add_expense_invoices(quipu, 3)
    ask_to_delete(portal, [record.id for record in created])
    job = Job.objects.get(kind=BULK_DELETE)
    portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})

    assert portal.post(connection_reverse("jobs:cancel", args=[job.pk])).status_code == 302
    job = run_to_end(job)

    assert job.status == "cancelled" and job.changed_count == 0
    assert all(exists(quipu, record.id) for record in created)


def test_a_transient_failure_is_tried_again_by_the_runner(portal, quipu, sandbox, quipu_account):
    created = add_expense_invoices(quipu, 1)
    ask_to_delete(portal, [created[0].id])
    job = Job.objects.get(kind=BULK_DELETE)
    portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})

    sandbox.set_faults(p503=1.0, app_id=quipu_account["app_id"])
    try:
        assert job_run_chunk(job_id=job.pk) == "more"
    finally:
        sandbox.clear_faults(app_id=quipu_account["app_id"])
    item = job.items.get()
    assert item.state == ItemState.PENDING and item.attempts == 1 and item.error

    job = run_to_end(job)
    assert job.changed_count == 1 and not exists(quipu, created[0].id)


def test_a_deletion_whose_answer_was_lost_is_still_logged(portal, quipu, accountant):
    created = add_expense_invoices(quipu, 1)
    ask_to_delete(portal, [created[0].id])
    job = Job.objects.get(kind=BULK_DELETE)
    portal.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"})
    # A worker sent the DELETE and died before recording it.
    job.items.update(after={"delete_sent": True})
    quipu.delete("invoices", created[0].id)

    job = run_to_end(job)

    assert job.changed_count == 1 and job.skipped_count == 0
    assert AuditEntry.objects.filter(
        user=accountant, job=job, document_id=created[0].id, field="number"
    ).exists()


def test_another_users_deletion_job_is_not_found(client, other_user, portal, quipu):
    created = add_expense_invoices(quipu, 2)
    ask_to_delete(portal, [record.id for record in created])
    job = Job.objects.get(kind=BULK_DELETE)
    client.force_login(other_user)

    assert client.get(connection_reverse("invoices:bulk-delete", args=[job.pk])).status_code == 404
    assert (
        client.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"}).status_code
        == 404
    )
    assert client.get(connection_reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.post(connection_reverse("jobs:cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "draft"


def test_every_post_needs_the_csrf_token(accountant, connection, quipu):
    created = add_expense_invoices(quipu, 1)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(accountant)

    refused = browser.post(connection_reverse("invoices:bulk"), {"action": "delete", "ids": [created[0].id]})
    assert refused.status_code == 403
    assert not Job.objects.exists()

    list_page = browser.get(
        connection_reverse("invoices:list"), {"period": "month", "year": "2019", "month": "6"}
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', list_page.content.decode()).group(1)
    sent = browser.post(
        connection_reverse("invoices:bulk"),
        {"action": "delete", "ids": [created[0].id], "csrfmiddlewaretoken": token},
    )
    assert sent.status_code == 302
    job = Job.objects.get()
    assert (
        browser.post(connection_reverse("invoices:bulk-delete", args=[job.pk]), {"action": "run"}).status_code
        == 403
    )
    job.refresh_from_db()
    assert job.status == "draft"


def test_a_double_click_on_delete_selected_makes_one_draft(portal, quipu):
    created = add_expense_invoices(quipu, 2)
    page = portal.get(connection_reverse("invoices:list") + "?" + EMPTY_MONTH_QUERY)
    data = form_data(page, "bulk-form")
    data.setlist("ids", [record.id for record in created])
    data["action"] = "delete"

    first = portal.post(connection_reverse("invoices:bulk"), data)
    second = portal.post(connection_reverse("invoices:bulk"), data)

    job = Job.objects.get(kind=BULK_DELETE)
    assert (
        first["Location"] == second["Location"] == connection_reverse("invoices:bulk-delete", args=[job.pk])
    )
    # Discarded, the same selection sent again (the Back button) asks afresh.
    portal.post(first["Location"], {"action": "discard"})
    third = portal.post(connection_reverse("invoices:bulk"), data)
    assert third["Location"] == connection_reverse(
        "invoices:bulk-delete", args=[Job.objects.get(kind=BULK_DELETE).pk]
    )
