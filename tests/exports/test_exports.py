"""Exporting a filtered list as CSV (the user's spreadsheet format) or XLSX (typed cells), each document
on one row or one row per line; a long list is read by a job first; only its owner downloads the file."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from django_q.models import Schedule

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.exports.kinds import LIST_EXPORT
from quipu_portal.exports.models import Export
from quipu_portal.files.services import generated_file_path, generated_files_expired_delete
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.quipu.records import ItemInput, RecordInput
from tests.pdfs.test_bundles import run_job

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://example.com","Pulse aquí")'
YEAR_2019 = "period=year&year=2019"


@pytest.fixture
def documents(quipu):
    """Two invoices of 2019 (the small seed has none that year): one to a customer whose name looks like
    a spreadsheet formula, with two lines; one expense with one line."""
    tricky = quipu.create(
        "contacts", RecordInput(attributes={"name": FORMULA_NAME, "tax_id": "B12345674", "is_client": True})
    )
    supplier = next(c for c in quipu.iterate("contacts", page_size=20) if c.is_supplier)
    income = quipu.create(
        "invoices",
        RecordInput(
            attributes={"kind": "income", "issue_date": datetime.date(2019, 5, 14), "number": "X-1"},
            relationships={"contact": tricky.id},
            items=[
                ItemInput(
                    attributes={
                        "concept": "Revisión",
                        "quantity": Decimal("2"),
                        "unitary_amount": Decimal("100.00"),
                        "vat_percent": Decimal("21"),
                    }
                ),
                ItemInput(
                    attributes={
                        "concept": "Aceite",
                        "quantity": Decimal("1"),
                        "unitary_amount": Decimal("30.50"),
                        "vat_percent": Decimal("21"),
                    }
                ),
            ],
        ),
    )
    expense = quipu.create(
        "invoices",
        RecordInput(
            attributes={"kind": "expenses", "issue_date": datetime.date(2019, 6, 3), "number": "P-7"},
            relationships={"contact": supplier.id},
            items=[
                ItemInput(
                    attributes={
                        "concept": "Recambios",
                        "quantity": Decimal("1"),
                        "unitary_amount": Decimal("80.00"),
                        "vat_percent": Decimal("21"),
                    }
                )
            ],
        ),
    )
    return {"income": income, "expense": expense, "supplier": supplier}


def export(portal, *, format, lines=False, query=YEAR_2019, namespace="invoices") -> Export:
    data = {"query": query, "format": format}
    if lines:
        data["lines"] = "1"
    response = portal.post(connection_reverse("exports:start", args=[namespace]), data)
    assert response.status_code == 302
    made = Export.objects.latest("pk")
    assert response["Location"] == connection_reverse("exports:detail", args=[made.pk])
    return made


def download(portal, made: Export):
    response = portal.get(connection_reverse("exports:file", args=[made.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


def test_a_spanish_user_gets_a_csv_their_spreadsheet_reads_with_one_row_per_line(
    portal, accountant, documents
):
    user_language_set(user=accountant, language="es")

    made = export(portal, format="csv", lines=True)

    assert not Job.objects.filter(kind=LIST_EXPORT).exists()  # one page: written at once
    page = portal.get(connection_reverse("exports:detail", args=[made.pk])).content.decode()
    assert connection_reverse("exports:file", args=[made.pk]) in page and "3 filas" in page
    content = download(portal, made)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:6] == ["Tipo", "Clase", "Número", "Fecha de emisión", "Contacto", "NIF/CIF"]
    by_column = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    # Newest first, as the list sorts: the expense of June, then the two lines of May's invoice.
    assert [row["Número"] for row in by_column] == ["P-7", "X-1", "X-1"]
    assert [row["Concepto"] for row in by_column] == ["Recambios", "Revisión", "Aceite"]
    expense, first, second = by_column
    assert expense["Fecha de emisión"] == "03/06/2019" and expense["Clase"] == "Gastos"
    assert expense["Base imponible"] == "80,00" and expense["IVA"] == "16,80" and expense["Total"] == "96,80"
    # 2 × 100 + 30.50 = 230.50 before taxes; 21 % VAT = 48.41 (rounded to the cent).
    assert first["Base imponible"] == "230,50" and first["IVA"] == "48,41" and first["Total"] == "278,91"
    assert first["Cantidad"] == "2" and first["IVA %"] == "21" and first["Total de la línea"] == "242,00"
    assert second["Precio unitario"] == "30,5"
    # A name that looks like a formula stays text: the leading quote keeps the spreadsheet from running it.
    assert first["Contacto"] == "'" + FORMULA_NAME
    assert expense["Contacto"] == documents["supplier"].name


def test_an_xlsx_holds_numbers_as_numbers_dates_as_dates_and_text_as_text(portal, documents):
    made = export(portal, format="xlsx")

    assert made.file_name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download(portal, made))).active
    rows = list(sheet.iter_rows(values_only=False))
    header = [cell.value for cell in rows[0]]
    assert header[:6] == ["Type", "Kind", "Number", "Issue date", "Contact", "Tax ID"]
    assert "Concept" not in header  # one row per document
    cells = {name: cell for name, cell in zip(header, rows[2], strict=True)}
    assert cells["Number"].value == "X-1"
    assert cells["Issue date"].is_date and cells["Issue date"].value == datetime.datetime(2019, 5, 14)
    assert cells["Issue date"].number_format == "yyyy-mm-dd"
    assert cells["Base"].data_type == "n" and cells["Base"].value == pytest.approx(230.50)
    assert cells["Total"].value == pytest.approx(278.91) and cells["Total"].number_format == "#,##0.00"
    assert cells["Contact"].data_type == "s" and cells["Contact"].value == FORMULA_NAME
    assert cells["Tax ID"].value == "B12345674"
    assert len(rows) == 3


def test_another_user_can_neither_see_nor_download_an_export(portal, client, other_user, documents):
    made = export(portal, format="csv")
    client.force_login(other_user)

    assert client.get(connection_reverse("exports:file", args=[made.pk])).status_code == 404
    assert client.get(connection_reverse("exports:detail", args=[made.pk])).status_code == 404


def test_the_file_is_deleted_after_the_retention_period(portal, documents, settings):
    made = export(portal, format="xlsx")
    path = generated_file_path(generated=made)
    assert path is not None and path.is_file()

    assert (
        generated_files_expired_delete(
            now=timezone.now() + datetime.timedelta(days=settings.QUIPU_FILE_RETENTION_DAYS + 1)
        )
        == 1
    )

    made.refresh_from_db()
    assert not path.exists() and generated_file_path(generated=made) is None
    assert Schedule.objects.filter(func="quipu_portal.files.tasks.delete_expired_files").exists()
    response = portal.get(connection_reverse("exports:file", args=[made.pk]))
    assert response.status_code == 302


class TestALongList:
    @pytest.fixture
    def quipu_account(self, sandbox):
        return sandbox.create_account("Talleres Ebro S.L.", seed="demo")

    def test_it_is_read_in_the_background_then_written(
        self, portal, quipu, django_capture_on_commit_callbacks
    ):
        expected = [record.id for record in quipu.iterate("book_entries", filters={"type": "invoices"})]
        assert len(expected) > 200

        with django_capture_on_commit_callbacks() as callbacks:
            made = export(portal, format="csv", query="sort=-issue_date")
        assert len(callbacks) == 1
        job = made.job
        assert job.kind == LIST_EXPORT and job.status == JobStatus.PREPARING
        reading = portal.get(
            connection_reverse("exports:detail", args=[made.pk]), headers={"HX-Request": "true"}
        )
        assert reading.status_code == 200
        assert f"Reading {len(expected)} documents from Quipu… 100 read." in reading.content.decode()

        assert run_job(job.pk) == JobStatus.FINISHED

        made.refresh_from_db()
        rows = list(csv.DictReader(io.StringIO(download(portal, made).decode("utf-8-sig"))))
        assert len(rows) == len(expected) == made.row_count
        assert all(row["Number"] for row in rows)
        assert not made.documents.exists()  # the stored cells go once the file is written


def test_a_spanish_xlsx_shows_dates_day_first_on_a_sheet_named_after_the_list(portal, accountant, documents):
    user_language_set(user=accountant, language="es")

    made = export(portal, format="xlsx", lines=True)

    workbook = openpyxl.load_workbook(io.BytesIO(download(portal, made)))
    sheet = workbook.active
    assert sheet.title == "Facturas"
    header = [cell.value for cell in sheet[1]]
    assert "Fecha de emisión" in header and "Concepto" in header
    day = sheet.cell(row=2, column=header.index("Fecha de emisión") + 1)
    assert day.is_date and day.number_format == "dd/mm/yyyy"
    quantities = [row[header.index("Cantidad")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert quantities == [1, 2, 1]
