"""In the browser: select all of the demo workshop's expense invoices (several hundred), change their
category, watch the documents being read in the background, and confirm the preview that appears.

The cluster is started only once the reading page is shown, so the test sees the progress for sure."""

import re

import pytest
from playwright.sync_api import expect

from quipu_portal.jobs.models import Job
from quipu_portal.quipu.refdata import reference_data


@pytest.fixture
def quipu_account(sandbox):
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


def test_select_all_hundreds_of_invoices_read_in_the_background_then_confirm(
    page_on_account, live_server, quipu, cluster_later, connection
):
    page = page_on_account
    other_services = next(c for c in reference_data(quipu).accounting_categories if c.prefix == "629")

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.locator("#id_kind").select_option("expenses")
    expect(page).to_have_url(re.compile(r"kind=expenses"))
    count_text = page.get_by_test_id("result-count").inner_text()
    total = int(re.search(r"(\d[\d.,]*)", count_text).group(1).replace(".", "").replace(",", ""))
    assert total > 200  # more than a page view reads itself

    page.get_by_test_id("select-across").check()
    page.get_by_role("button", name="Change categories").click()
    page.get_by_label("Accounting category").select_option(other_services.id)
    page.get_by_role("button", name="Preview the change").click()

    progress = page.get_by_test_id("reading-progress")
    expect(progress).to_contain_text(f"Reading {total} documents from Quipu… 100 read.")
    expect(page.get_by_test_id("confirm")).to_have_count(0)

    cluster_later()
    # The progress region polls itself and turns into the preview once every document is read.
    expect(page.get_by_test_id("preview-to-change")).to_contain_text(
        re.compile(r"^\d+ documents will change"), timeout=60_000
    )
    expect(progress).to_have_count(0)
    job = Job.objects.get()
    assert job.status == "draft"
    assert job.total == total
    to_change = job.total - job.skipped_count
    expect(page.get_by_test_id("preview-to-change")).to_contain_text(f"{to_change} documents")

    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    expect(page.get_by_test_id("job-status")).to_have_text(re.compile("Queued|Running|Finished"))
    expect(page.get_by_test_id("job-progress")).to_contain_text(f"of {total} documents")
    expect(page.get_by_test_id("job-percent")).to_have_text("100%", timeout=90_000)
    expect(page.get_by_test_id("count-changed")).to_have_text(str(to_change))
