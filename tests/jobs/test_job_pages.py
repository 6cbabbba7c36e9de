"""The pages: change categories from a list, preview, confirm, watch progress, cancel, undo; ownership."""

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import Job
from quipu_portal.jobs.services import job_start
from tests.helpers import form_data, run_to_end

from .conftest import add_expense_documents, change_to, preview

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
EXPENSES_2025_QUERY = "period=year&year=2025&kind=expenses"


def _form_post(targets, **extra):
    data = {
        "namespace": "invoices",
        "query": EXPENSES_2025_QUERY,
        "scope": "both",
        "category": targets.category.id,
        "subcategory": targets.subcategory.id,
        "analytic_action": "keep",
    }
    data.update(extra)
    return data


def test_change_categories_from_ticked_rows_previews_then_enqueues_one_task(
    portal, quipu, targets, django_capture_on_commit_callbacks
):
    created = add_expense_documents(quipu, targets, invoices=3)
    ids = [record.id for record in created[:2]]

    # The list's "Change categories" button posts the selection to the form.
    response = portal.post(
        connection_reverse("jobs:bulk_categories", args=["invoices"]),
        {"ids": ids, "query": EXPENSES_2025_QUERY},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 selected documents." in html
    assert "tickets and paysheets change at document level only" in html

    response = portal.post(connection_reverse("jobs:bulk_categories"), _form_post(targets, ids=ids))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == connection_reverse("jobs:bulk_categories_preview", args=[job.pk])
    assert job.status == "draft"

    preview_page = portal.get(response["Location"]).content.decode()
    assert "2 documents will change." in preview_page
    assert "0 documents already match" in preview_page
    assert "Estimated time" in preview_page
    assert "629" in preview_page  # the sample shows the new account

    with django_capture_on_commit_callbacks() as callbacks:
        response = portal.post(
            connection_reverse("jobs:bulk_categories_preview", args=[job.pk]), {"action": "run"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == "pending"

    # While it runs the progress region polls; once finished it answers 286 to stop the polling.
    running = portal.get(connection_reverse("jobs:detail", args=[job.pk]), headers=HX)
    assert running.status_code == 200
    assert 'hx-trigger="every 2s"' in running.content.decode()
    assert "<html" not in running.content.decode()
    run_to_end(job)
    done = portal.get(connection_reverse("jobs:detail", args=[job.pk]), headers=HX)
    assert done.status_code == 286
    assert 'data-testid="job-percent">100%' in done.content.decode()
    assert "every 2s" not in done.content.decode()
    page = portal.get(connection_reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert "Undo this job" in page.content.decode()


def test_select_all_takes_every_document_matching_the_list_filter(
    portal, quipu, targets, django_capture_on_commit_callbacks
):
    add_expense_documents(quipu, targets, invoices=4)
    with django_capture_on_commit_callbacks() as callbacks:
        response = portal.post(
            connection_reverse("jobs:bulk_categories"), _form_post(targets, select_all="1")
        )
    job = Job.objects.get()
    # A list that fits in one page is read within the request: the preview is ready at once.
    assert job.status == "draft"
    assert callbacks == []
    assert "documents will change." in portal.get(response["Location"]).content.decode()
    expected = quipu.list(
        "book_entries", filters={"type": "invoices", "kind": "expenses", "period": "2025"}
    ).total_results
    assert job.total == expected


def test_the_form_offers_only_valid_combinations(portal, quipu, targets):
    response = portal.post(
        connection_reverse("jobs:bulk_categories", args=["invoices"]),
        {"ids": ["1"], "query": EXPENSES_2025_QUERY},
    )
    html = response.content.decode()
    # The list is filtered to expenses: no income category is offered; no root analytic category either.
    assert f'value="{targets.category.id}"' in html
    assert f'value="{targets.income_category.id}"' not in html
    assert f'value="{targets.analytic_leaf.id}"' in html
    assert f'value="{targets.analytic_root.id}"' not in html

    options = portal.get(
        connection_reverse("jobs:bulk_categories_subcategories"), {"category": targets.category.id}
    )
    assert f'value="{targets.subcategory.id}"' in options.content.decode()
    other = portal.get(
        connection_reverse("jobs:bulk_categories_subcategories"), {"category": targets.old_category.id}
    )
    assert f'value="{targets.subcategory.id}"' not in other.content.decode()

    refused = portal.post(
        connection_reverse("jobs:bulk_categories"),
        _form_post(targets, ids=["1"], category=targets.old_category.id),
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not Job.objects.exists()


def test_another_user_cannot_see_cancel_retry_or_undo_a_job(
    client, other_user, accountant, connection, quipu, targets
):
    add_expense_documents(quipu, targets, invoices=2)
    draft = preview(
        accountant, connection, quipu, change_to(targets), filters={"kind": "expenses", "type": "invoices"}
    )
    finished = run_to_end(
        preview(
            accountant,
            connection,
            quipu,
            change_to(targets, analytic_action="remove"),
            filters={"kind": "expenses"},
        )
    )
    client.force_login(other_user)
    for name in ("detail", "cancel", "retry", "undo"):
        method = client.get if name == "detail" else client.post
        assert method(connection_reverse(f"jobs:{name}", args=[finished.pk])).status_code == 404, name
    assert client.get(connection_reverse("jobs:detail", args=[finished.pk]), headers=HX).status_code == 404
    assert client.get(connection_reverse("jobs:bulk_categories_preview", args=[draft.pk])).status_code == 404
    assert (
        client.post(
            connection_reverse("jobs:bulk_categories_preview", args=[draft.pk]), {"action": "run"}
        ).status_code
        == 404
    )
    assert 'data-testid="job-row"' not in client.get(connection_reverse("jobs:list")).content.decode()
    finished.refresh_from_db()
    assert not finished.undo_jobs.exists()


def test_the_top_bar_indicator_polls_only_while_jobs_run(portal, accountant, connection, quipu, targets):
    add_expense_documents(quipu, targets, invoices=2)
    quiet = portal.get(connection_reverse("jobs:list")).content.decode()
    assert f'hx-get="{connection_reverse("jobs:indicator")}"' not in quiet

    job = job_start(
        job=preview(accountant, connection, quipu, change_to(targets), filters={"kind": "expenses"})
    )
    busy = portal.get(connection_reverse("jobs:list")).content.decode()
    indicator = busy.split('id="job-indicator"', 1)[1].split("</div>", 1)[0]
    assert (
        f'hx-get="{connection_reverse("jobs:indicator")}"' in indicator
        and 'hx-trigger="every 2s"' in indicator
    )
    assert portal.get(connection_reverse("jobs:indicator"), headers=HX).status_code == 200

    run_to_end(job)
    stopped = portal.get(connection_reverse("jobs:indicator"), headers=HX)
    assert stopped.status_code == 286
    assert b"every 2s" not in stopped.content


def test_cancel_and_undo_buttons_work_as_plain_form_posts(portal, accountant, connection, quipu, targets):
    add_expense_documents(quipu, targets, invoices=3)
    job = job_start(
        job=preview(
            accountant,
            connection,
            quipu,
            change_to(targets),
            filters={"kind": "expenses", "type": "invoices"},
        )
    )
    response = portal.post(connection_reverse("jobs:cancel", args=[job.pk]))
    assert response.status_code == 302
    job = run_to_end(job)
    assert job.status == "cancelled"
    assert job.changed_count == 0

    portal.post(connection_reverse("jobs:retry", args=[job.pk]))
    job = run_to_end(job)
    assert job.status == "finished" and job.changed_count > 0
    response = portal.post(connection_reverse("jobs:undo", args=[job.pk]))
    undo = Job.objects.get(undo_of=job)
    assert response["Location"] == connection_reverse("jobs:detail", args=[undo.pk])
    assert run_to_end(undo).changed_count == job.changed_count


def test_a_double_click_on_preview_the_change_makes_one_job(portal, quipu, targets):
    rows = quipu.list(
        "book_entries", filters={"type": "invoices", "kind": "expenses", "period": "2025"}
    ).records
    ids = [rows[0].id, rows[1].id]
    page = portal.post(
        connection_reverse("jobs:bulk_categories", args=["invoices"]),
        {"ids": ids, "query": EXPENSES_2025_QUERY},
    )
    data = form_data(page, "bulk-categories-form")
    data.update(_form_post(targets))

    first = portal.post(connection_reverse("jobs:bulk_categories"), data)
    second = portal.post(connection_reverse("jobs:bulk_categories"), data)

    job = Job.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == connection_reverse("jobs:bulk_categories_preview", args=[job.pk])
    )
    # Discarded, the same form sent again (the Back button) makes a new preview.
    portal.post(first["Location"], {"action": "discard"})
    third = portal.post(connection_reverse("jobs:bulk_categories"), data)
    assert third["Location"] == connection_reverse(
        "jobs:bulk_categories_preview", args=[Job.objects.get().pk]
    )


def test_a_double_click_on_change_them_now_starts_one_job(
    portal, quipu, targets, django_capture_on_commit_callbacks
):
    rows = quipu.list(
        "book_entries", filters={"type": "invoices", "kind": "expenses", "period": "2025"}
    ).records
    preview_url = portal.post(
        connection_reverse("jobs:bulk_categories"), _form_post(targets, ids=[rows[0].id])
    )["Location"]

    with django_capture_on_commit_callbacks() as callbacks:
        first = portal.post(preview_url, {"action": "run"})
        second = portal.post(preview_url, {"action": "run"})

    job = Job.objects.get()
    assert first["Location"] == second["Location"] == connection_reverse("jobs:detail", args=[job.pk])
    assert len(callbacks) == 1 and job.status == "pending"
