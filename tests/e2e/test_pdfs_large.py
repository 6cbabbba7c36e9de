"""In the browser: "select all" of the income invoices (several hundred), Download PDFs: the bundle's
page shows the documents being read in the background, then the PDFs being fetched, then the ZIP.

The cluster is started only once the reading page is shown, so the test sees the progress for sure."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.pdfs.worker import Cluster


@pytest.fixture
def quipu_account(sandbox):
    """The demo car workshop: hundreds of income invoices a year."""
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


@pytest.fixture
def page_on_account(signed_in_page, connection, settings, tmp_path):
    settings.QUIPU_RATE_LIMIT = "1000/5s"
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return signed_in_page


def test_download_every_income_invoice_read_in_the_background(
    page_on_account, live_server, quipu, tmp_path, connection
):
    page = page_on_account
    count = quipu.list(
        "book_entries", filters={"type": "invoices", "kind": "income"}, page_size=1
    ).total_results
    assert count > 200  # more than a page view reads itself

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/?kind=income")
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{count} document")
    page.get_by_test_id("select-across").check()
    page.get_by_role("button", name="Download PDFs").click()
    page.get_by_label("A ZIP with one PDF per document").check()
    page.get_by_test_id("bundle-confirm").click()

    expect(page.get_by_test_id("reading-progress")).to_contain_text(
        f"Reading {count} documents from Quipu… 100 read."
    )
    expect(page.get_by_test_id("bundle-download")).to_have_count(0)

    cluster = Cluster(tmp_path, rate="1000/5s").start()
    try:
        # The region polls itself: the reading, then the fetching (no second confirmation), then the file.
        download_link = page.get_by_test_id("bundle-download")
        expect(download_link).to_be_visible(timeout=120_000)
    finally:
        cluster.stop()
    expect(page.get_by_test_id("bundle-progress")).to_contain_text(f"{count} of {count} PDFs")
    with page.expect_download() as download_info:
        download_link.click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        pdfs = [name for name in archive.namelist() if re.search(r"\.pdf$", name)]
        assert len(pdfs) == count
