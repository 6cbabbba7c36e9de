"""The tax preview pages: run one, follow it, read the 303 in Spanish, open a box's documents, download."""

import io

import openpyxl
import pytest
from django.utils.html import escape

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.jobs.models import Job
from quipu_portal.tax_previews.kinds import TAX_PREVIEW
from quipu_portal.tax_previews.models import TaxPreview
from tests.tax_previews.conftest import run_preview

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client, accountant, quarter_connection):
    client.force_login(accountant)
    return client


def test_running_a_preview_queues_a_background_job(signed_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(connection_reverse("tax_previews:start"), {"year": "2026", "quarter": "3"})
    preview = TaxPreview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == connection_reverse("tax_previews:detail", args=[preview.pk])
    assert len(callbacks) == 1  # the job's first task, sent once the preview is stored
    assert preview.job.kind == TAX_PREVIEW and preview.job.status == "preparing"
    page = signed_in.get(response["Location"])
    assert b'data-testid="preview-progress"' in page.content and b"every 2s" in page.content
    partial = signed_in.get(response["Location"], headers=HX)
    assert b"<html" not in partial.content and b'id="preview-progress"' in partial.content
    run_preview(preview)
    # The polling region asks for the whole page once the figures are ready.
    assert signed_in.get(response["Location"], headers=HX)["HX-Refresh"] == "true"
    # The job is listed with the user's other jobs, and its page opens.
    assert signed_in.get(connection_reverse("jobs:detail", args=[preview.job.pk])).status_code == 200
    assert signed_in.get(connection_reverse("jobs:list")).status_code == 200


def test_303_page_reads_in_spanish_and_each_box_links_to_its_documents(
    signed_in, accountant, quarter_connection
):
    from quipu_portal.tax_previews.services import tax_preview_start

    user_language_set(user=accountant, language="es")
    preview = run_preview(
        tax_preview_start(owner=accountant, connection=quarter_connection, year=2026, quarter=3)
    )
    page = signed_in.get(connection_reverse("tax_previews:detail", args=[preview.pk])).content.decode()
    assert "Modelo 303 · IVA" in page
    assert "Total cuota devengada" in page
    assert "88,04\u00a0€" in page  # box 46, as Spanish accountants write it
    assert "Lo completa el asesor" in page
    assert "1 fila que la AEAT rechazaría" in page
    box = signed_in.get(
        connection_reverse("tax_previews:box", args=[preview.pk, "303", "09"])
    ).content.decode()
    # Box 09 (cuota at 21 %): F-2, F-3, F-6, the simplified invoice and the additional income.
    assert box.count('data-testid="box-document"') == 5
    # F-3 has 800.00 at 21 % and 200.00 at 10 %: only its 21 % cuota is in box 09.
    assert "168,00\u00a0€" in box and "En esta casilla" in box
    assert "facturas de ingreso" in box and "period=range" in box and "kind=income" in box
    assert connection_reverse("invoices:detail", args=["1"]).rsplit("1", 1)[0] in box
    assert (
        signed_in.get(connection_reverse("tax_previews:box", args=[preview.pk, "303", "nope"])).status_code
        == 404
    )


def test_record_book_downloads_as_the_aeat_file_name(signed_in, accountant, quarter_connection):
    from quipu_portal.tax_previews.services import tax_preview_start

    preview = run_preview(
        tax_preview_start(owner=accountant, connection=quarter_connection, year=2026, quarter=3)
    )
    response = signed_in.get(connection_reverse("tax_previews:record-book", args=[preview.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="202617453210MTMarta Gil Serrano.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["EXPEDIDAS_INGRESOS", "RECIBIDAS_GASTOS"]


def test_running_again_keeps_the_earlier_preview_with_its_date(signed_in, accountant, quarter_connection):
    from quipu_portal.tax_previews.services import tax_preview_start

    first = run_preview(
        tax_preview_start(owner=accountant, connection=quarter_connection, year=2026, quarter=3)
    )
    response = signed_in.post(connection_reverse("tax_previews:again", args=[first.pk]))
    second = TaxPreview.objects.exclude(pk=first.pk).get()
    assert response["Location"] == connection_reverse("tax_previews:detail", args=[second.pk])
    assert (second.year, second.quarter) == (2026, 3)
    listing = signed_in.get(connection_reverse("tax_previews:list")).content.decode()
    assert listing.count(f'href="/c/{quarter_connection.pk}/tax/') >= 2
    assert Job.objects.filter(kind=TAX_PREVIEW).count() == 2


def test_another_users_preview_is_not_found(client, other_user, accountant, quarter_connection, sandbox):
    from quipu_portal.connections.services import connection_create
    from quipu_portal.tax_previews.services import tax_preview_start

    preview = run_preview(
        tax_preview_start(owner=accountant, connection=quarter_connection, year=2026, quarter=3)
    )
    account = sandbox.create_account("Bruno S.L.", seed="empty")
    connection_create(
        owner=other_user,
        name="Bruno",
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )
    client.force_login(other_user)
    for name, args in (
        ("tax_previews:detail", [preview.pk]),
        ("tax_previews:record-book", [preview.pk]),
        ("tax_previews:box", [preview.pk, "303", "27"]),
    ):
        assert client.get(connection_reverse(name, args=args)).status_code == 404
    assert client.post(connection_reverse("tax_previews:again", args=[preview.pk])).status_code == 404


def test_a_large_client_is_read_page_by_page_within_its_rate_budget(accountant, sandbox):
    """The demo workshop: several hundred documents from January to September, several listing pages."""
    from quipu_portal.connections.services import client_for, connection_create
    from quipu_portal.tax_previews.services import (
        tax_preview_forms,
        tax_preview_record_book,
        tax_preview_selection,
        tax_preview_start,
    )

    account = sandbox.create_account("Talleres Ebro S.L.", seed="demo")
    connection = connection_create(
        owner=accountant,
        name=account["name"],
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )
    selection = tax_preview_selection(year=2026, quarter=3)
    expected = (
        client_for(connection).list("book_entries", filters=selection.filters, page_size=1).total_results
    )
    assert expected > 200
    preview = run_preview(tax_preview_start(owner=accountant, connection=connection, year=2026, quarter=3))
    assert len(preview.documents) == expected
    assert preview.job.params["preparing"]["total_pages"] == -(-expected // 100)
    assert sandbox.stats()["accounts"][account["app_id"]]["over_limit"] == 0
    # A company: the 303 is there, paysheets stay out of it, and the job page opens.
    assert preview.result_303 is not None
    forms = tax_preview_forms(preview=preview)
    assert forms["person"] is False
    assert not any(key.startswith("paysheets:") for box in forms["303"].boxes for key in box.documents)
    # A company keeps VAT books: no payroll rows, and the IRPF columns (concept, amount) stay empty.
    book = tax_preview_record_book(preview=preview)
    assert book.received and not any(row.document.type == "paysheets" for row in book.received)
    assert not any(row.values.get(7) or row.values.get(8) for row in (*book.issued, *book.received))


def test_a_preview_that_cannot_read_says_why_and_offers_to_run_again(
    client, accountant, sandbox, quarter_account
):
    from quipu_portal.connections.services import connection_create
    from quipu_portal.tax_previews.services import tax_preview_start
    from tests.helpers import read_to_end

    connection = connection_create(
        owner=accountant,
        name="Wrong secret",
        base_url=sandbox.base_url,
        app_id=quarter_account["app_id"],
        app_secret="not-the-secret",
    )
    preview = tax_preview_start(owner=accountant, connection=connection, year=2026, quarter=3)
    job = read_to_end(preview.job)
    assert job.status == "preparation_failed" and job.message
    client.force_login(accountant)
    page = client.get(
        connection_reverse("tax_previews:detail", args=[preview.pk], connection=connection)
    ).content.decode()
    assert escape(job.message) in page
    assert "every 2s" not in page  # no more polling
    assert connection_reverse("tax_previews:again", args=[preview.pk], connection=connection) in page


def test_reading_a_page_twice_stores_each_document_once(accountant, quarter_connection):
    from quipu_portal.connections.services import client_for
    from quipu_portal.resource_admin.selection import reading_start
    from quipu_portal.tax_previews.services import tax_preview_read_page, tax_preview_start

    preview = tax_preview_start(owner=accountant, connection=quarter_connection, year=2026, quarter=3)
    quipu = client_for(quarter_connection)
    first = tax_preview_read_page(client=quipu, preview=preview, reading=reading_start())
    # A task killed after reading, before it stored where to carry on, reads the same page again.
    again = tax_preview_read_page(client=quipu, preview=preview, reading=reading_start())
    preview.refresh_from_db()
    assert first == again
    assert len(preview.documents) == first["read"] == 23
