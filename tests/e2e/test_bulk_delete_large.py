"""In the browser: select all of the demo workshop's expense invoices (several hundred), delete them, watch
the documents being read in the background, and confirm the deletion that appears.

The cluster is started only once the reading page is shown, so the test sees the progress for sure."""

import re

import pytest
from playwright.sync_api import expect

from quipu_portal.jobs.models import Job


@pytest.fixture
def quipu_account(sandbox):
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


def test_select_all_hundreds_of_invoices_read_in_the_background_then_confirm_the_deletion(
    page_on_account, live_server, quipu, cluster_later, connection
):
    page = page_on_account
    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.locator("#id_kind").select_option("expenses")
    expect(page).to_have_url(re.compile(r"kind=expenses"))
    count_text = page.get_by_test_id("result-count").inner_text()
    total = int(re.search(r"(\d[\d.,]*)", count_text).group(1).replace(".", "").replace(",", ""))
    assert total > 200  # more than a page view reads itself

    page.get_by_test_id("select-across").check()
    page.get_by_role("button", name="Delete selected").click()

    progress = page.get_by_test_id("reading-progress")
    expect(progress).to_contain_text(f"Reading {total} documents from Quipu… 100 read.")
    expect(page.get_by_test_id("confirm-bulk-delete")).to_have_count(0)

    cluster_later()
    # The progress region polls itself and turns into the confirmation once every document is read.
    expect(page.get_by_test_id("bulk-delete-count")).to_have_text(
        f"{total} documents will be deleted in Quipu, with their lines and attachments.", timeout=60_000
    )
    expect(progress).to_have_count(0)
    expect(page.locator("h1")).to_have_count(1)  # the swapped-in confirmation is under the page's title
    assert Job.objects.get().status == "draft"

    page.get_by_role("button", name=f"Yes, delete {total} documents").click()
    expect(page.get_by_test_id("job-progress")).to_contain_text(f"of {total} documents")
    expect(page.get_by_test_id("job-status")).to_have_text(re.compile("Queued|Running|Finished"))
