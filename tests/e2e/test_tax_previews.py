"""In the browser, in Spanish: run a client's tax preview, read the 303, open a box's documents, download
the AEAT record book."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from quipu_portal.connections.services import connection_create
from quipu_portal.core.services import user_language_set


@pytest.fixture
def page_on_quarter(signed_in_page, user, sandbox, settings):
    settings.QUIPU_RATE_LIMIT = "1000/5s"
    user_language_set(user=user, language="es")
    account = sandbox.create_account("Marta Gil Serrano", seed="quarter")
    connection_create(
        owner=user,
        name=account["name"],
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )
    return signed_in_page


def test_preview_303_box_documents_and_record_book(page_on_quarter, live_server, cluster, tmp_path):
    page = page_on_quarter
    page.goto(f"{live_server.url}/tax/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Previsiones de impuestos")
    page.get_by_label("Año").fill("2026")
    page.get_by_label("Trimestre").select_option("3")
    page.get_by_role("button", name="Calcular la previsión").click()

    # The job reads the documents in the background; the page shows the forms once they are computed.
    form_303 = page.get_by_test_id("form-303")
    expect(form_303).to_be_visible(timeout=60_000)
    expect(form_303.get_by_role("heading", level=2)).to_have_text("Modelo 303 · IVA · 3T 2026")
    expect(page.get_by_test_id("amount-303-46")).to_have_text("88,04\u00a0€")
    expect(page.get_by_test_id("box-303-110 / 78 / 87")).to_contain_text("Lo completa el asesor")

    page.get_by_test_id("box-link-303-09").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modelo 303 · casilla 09")
    expect(page.get_by_test_id("box-document")).to_have_count(5)
    expect(page.get_by_test_id("box-amount")).to_have_text("609,00\u00a0€")
    page.get_by_test_id("box-list-link").first.click()
    expect(page).to_have_url(
        re.compile(r"/invoices/\?period=range&date_from=2026-07-01&date_to=2026-09-30&kind=income")
    )
    page.go_back()
    page.go_back()

    book = page.get_by_test_id("record-book")
    expect(book).to_contain_text("1 fila que la AEAT rechazaría")
    with page.expect_download() as download_info:
        page.get_by_test_id("record-book-download").click()
    download = download_info.value
    assert download.suggested_filename == "202617453210MTMarta Gil Serrano.xlsx"
    target = tmp_path / "book.xlsx"
    download.save_as(target)
    workbook = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert workbook.sheetnames == ["EXPEDIDAS_INGRESOS", "RECIBIDAS_GASTOS"]
