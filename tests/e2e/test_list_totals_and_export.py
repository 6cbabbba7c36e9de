"""In the browser: a quarter's invoices, their totals above the list, Export as XLSX, download the file."""

import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect


@pytest.fixture
def page_on_account(signed_in_page, connection, settings, tmp_path):
    settings.QUIPU_RATE_LIMIT = "1000/5s"
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return signed_in_page


def busiest_quarter(quipu):
    by_quarter = {}
    for invoice in quipu.iterate("book_entries", filters={"type": "invoices"}):
        key = (invoice.issue_date.year, (invoice.issue_date.month - 1) // 3 + 1)
        by_quarter.setdefault(key, []).append(invoice)
    return max(by_quarter.items(), key=lambda pair: len(pair[1]))


def test_see_a_quarters_totals_and_export_it_as_xlsx(
    page_on_account, live_server, quipu, connection, tmp_path
):
    page = page_on_account
    (year, quarter), invoices = busiest_quarter(quipu)
    income = [invoice for invoice in invoices if invoice.kind == "income"]
    assert income and len(invoices) <= 20  # one page: the totals come with it

    every = list(quipu.iterate("book_entries", filters={"type": "invoices"}))
    assert 20 < len(every) <= 200  # more than the page, few enough to read while the user waits
    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.get_by_test_id("totals-calculate").click()
    every_income = page.get_by_test_id("totals-row").filter(has_text="Income")
    income_total = sum((invoice.total_amount for invoice in every if invoice.kind == "income"), Decimal(0))
    expect(every_income).to_contain_text(f"€{income_total:,.2f}")
    expect(page).to_have_url(
        f"{live_server.url}/c/{connection.pk}/invoices/"
    )  # the list's address did not change

    page.locator("#id_period").select_option("quarter")
    page.locator("#id_year").select_option(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    expect(page).to_have_url(re.compile(rf"quarter={quarter}"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{len(invoices)} document")

    totals = page.get_by_test_id("list-totals")
    income_row = totals.get_by_test_id("totals-row").filter(has_text="Income")
    base = sum((invoice.total_amount_without_taxes for invoice in income), Decimal(0))
    total = sum((invoice.total_amount for invoice in income), Decimal(0))
    expect(income_row).to_contain_text(f"€{base:,.2f}")
    expect(income_row).to_contain_text(f"€{total:,.2f}")
    expect(totals.get_by_test_id("totals-freshness")).to_contain_text("Calculated at")

    page.get_by_label("Export as").select_option("xlsx")
    page.get_by_test_id("export-start").click()
    download_link = page.get_by_test_id("export-download")
    expect(download_link).to_be_visible()
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    sheet = openpyxl.load_workbook(target).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    numbers = [row[header.index("Number")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == sorted(invoice.number for invoice in invoices)
    totals_column = [row[header.index("Total")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(totals_column) == pytest.approx(float(sum(invoice.total_amount for invoice in invoices)))
