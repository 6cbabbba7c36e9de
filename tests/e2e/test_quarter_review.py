"""In the browser, in Spanish: the quarter-close worklist, "scan all" run by a real cluster, one client's
review, the one-click fix of a supplier booked under two categories (preview, confirm, job done), the
client's 303 preview and its AEAT record book, and the worklist showing the 303 result."""

import re

import pytest
from playwright.sync_api import expect

from quipu_portal.core.services import user_language_set
from tests.quarter_review.conftest import QUARTER, YEAR, fill_quarter


@pytest.fixture
def quipu_account(sandbox):
    return sandbox.create_account("Revisión S.L.", seed="empty")


def test_worklist_scan_all_review_one_click_fix_303_and_record_book_in_spanish(
    page_on_account, live_server, user, connection, quipu, cluster
):
    quarter = fill_quarter(quipu)
    user_language_set(user=user, language="es")
    page = page_on_account

    worklist = f"{live_server.url}/quarter-review/?year={YEAR}&quarter={QUARTER}"
    page.goto(worklist)
    expect(page.get_by_role("heading", name="Cierre trimestral")).to_be_visible()
    expect(page.get_by_test_id("next-deadline")).to_be_visible()
    row = page.get_by_test_id("worklist-row").filter(has_text="Revisión S.L.")
    expect(row.get_by_test_id("tax-result")).to_have_text("Sin calcular")

    page.get_by_role("button", name="Revisar todos los clientes").click()
    expect(row.get_by_test_id("scan-state")).to_have_attribute("data-status", "done", timeout=30_000)
    expect(row.get_by_test_id("documents")).to_have_text("10")
    expect(row.get_by_test_id("findings")).to_have_text("7")
    expect(page.get_by_test_id("worklist-rows")).to_have_attribute("data-active", "false")

    row.get_by_role("link", name="Abrir la revisión de Revisión S.L.").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Revisión de Revisión S\.L\.: 2T 2026"))
    ).to_be_visible()
    supplier = page.get_by_test_id("finding").filter(has_text="Suministros Ebro S.L.")
    expect(supplier).to_contain_text("está contabilizado en categorías distintas")

    supplier.get_by_role("button", name=re.compile(r"^Pasar el otro documento a 629")).click()
    expect(page.get_by_test_id("preview-to-change")).to_contain_text("1 documento cambiará")
    page.get_by_test_id("confirm").click()

    expect(page.get_by_test_id("job-progress")).to_have_attribute("data-status", "finished", timeout=30_000)
    expect(page.get_by_test_id("job-status")).to_have_text("Terminada")
    expect(page.get_by_test_id("count-changed")).to_have_text("1")
    changed = quipu.retrieve("invoices", quarter.ids["E3"])
    assert changed.accounting_category.id == quarter.categories["629"]

    # The quarter's 303, read from the client's documents by a background job.
    page.goto(f"{live_server.url}/c/{connection.pk}/tax/")
    page.get_by_label("Año").fill(str(YEAR))
    page.get_by_label("Trimestre").select_option(str(QUARTER))
    page.get_by_role("button", name="Calcular la previsión").click()
    expect(page.get_by_test_id("form-303")).to_be_visible(timeout=60_000)
    # By hand from fill_quarter: I1 and I2 invoice 200 € at 21 % (400 € base, 84 € VAT; I3 and I4 are
    # 0 % exports); E1–E4 are 100 € at 21 % from Spanish suppliers (84 € deductible), and the expense
    # tickets deduct nothing: 84 − 84 = 0.
    expect(page.get_by_test_id("amount-303-07")).to_have_text("400,00\u00a0€")
    expect(page.get_by_test_id("amount-303-09")).to_have_text("84,00\u00a0€")
    expect(page.get_by_test_id("amount-303-46")).to_have_text("0,00\u00a0€")
    with page.expect_download() as download_info:
        page.get_by_test_id("record-book-download").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    page.goto(worklist)
    expect(row.get_by_test_id("tax-result")).to_have_text("0,00\u00a0€")
