"""In the browser: a quarter's income invoices, "select all", Download PDFs, wait for the job, get the ZIP."""

import csv
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.pdfs.worker import Cluster


@pytest.fixture
def page_on_account(signed_in_page, connection, settings, tmp_path):
    settings.QUIPU_RATE_LIMIT = "1000/5s"
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return signed_in_page


@pytest.fixture
def cluster(page_on_account, tmp_path):
    running = Cluster(tmp_path, rate="1000/5s").start()
    yield running
    running.stop()


def busiest_income_quarter(quipu):
    by_quarter = {}
    for invoice in quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"}):
        key = (invoice.issue_date.year, (invoice.issue_date.month - 1) // 3 + 1)
        by_quarter.setdefault(key, []).append(invoice)
    return max(by_quarter.items(), key=lambda pair: len(pair[1]))


def test_download_a_quarters_income_invoices_as_a_zip(
    page_on_account, live_server, quipu, cluster, tmp_path, connection
):
    page = page_on_account
    (year, quarter), invoices = busiest_income_quarter(quipu)

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.locator("#id_kind").select_option("income")
    page.locator("#id_period").select_option("quarter")
    page.locator("#id_year").select_option(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    expect(page).to_have_url(re.compile(rf"kind=income.*quarter={quarter}|quarter={quarter}.*kind=income"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{len(invoices)} document")

    page.get_by_test_id("select-across").check()
    page.get_by_role("button", name="Download PDFs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Download the PDFs of {len(invoices)} documents?"
    )
    page.get_by_label("A ZIP with one PDF per document").check()
    page.get_by_test_id("bundle-confirm").click()

    # The status region polls itself until the job is over, then offers the file.
    download_link = page.get_by_test_id("bundle-download")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("bundle-progress")).to_contain_text(f"{len(invoices)} of {len(invoices)} PDFs")
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
        assert {row["Number"] for row in index} == {invoice.number for invoice in invoices}
        for row in index:
            invoice = next(i for i in invoices if i.number == row["Number"])
            assert row["File"].startswith(f"{invoice.number}_")
            assert row["Date"] == invoice.issue_date.isoformat()
            reader = PdfReader(io.BytesIO(archive.read(row["File"])))
            assert invoice.number in reader.pages[0].extract_text()
        assert len(archive.namelist()) == len(invoices) + 1
