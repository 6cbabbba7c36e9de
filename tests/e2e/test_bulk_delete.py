"""In the browser: tick three invoices of a month, delete them, confirm, and watch the job (run by a real
cluster) reach 100%; the list then shows only the one left."""

from playwright.sync_api import expect

from quipu_portal.audit.models import AuditEntry
from tests.bulk_delete.test_bulk_delete import add_expense_invoices, exists


def test_delete_ticked_invoices_and_watch_the_job_finish(
    page_on_account, live_server, quipu, cluster, connection
):
    page = page_on_account
    created = add_expense_invoices(quipu, 4)
    doomed, kept = created[:3], created[3]

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/?period=month&year=2019&month=6")
    expect(page.get_by_test_id("row")).to_have_count(4)
    for record in doomed:
        page.locator(f"[data-testid=row][data-id='{record.id}']").get_by_role("checkbox").check()
    page.get_by_role("button", name="Delete selected").click()

    expect(page.get_by_role("heading", name="Delete 3 documents?")).to_be_visible()
    expect(page.get_by_test_id("bulk-delete-count")).to_have_text(
        "3 documents will be deleted in Quipu, with their lines and attachments."
    )
    expect(page.get_by_test_id("bulk-delete-sample").locator("tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Yes, delete 3 documents").click()

    expect(page.get_by_test_id("job-percent")).to_have_text("100%", timeout=30_000)
    expect(page.get_by_test_id("job-status")).to_have_text("Finished")
    expect(page.get_by_test_id("count-changed")).to_have_text("3")
    expect(page.locator("[data-testid=job-item][data-state=changed]")).to_have_count(3)
    expect(page.get_by_test_id("job-items")).to_contain_text("Deleted")
    assert not any(exists(quipu, record.id) for record in doomed)
    assert AuditEntry.objects.filter(field="number", after="").count() == 3

    page.get_by_role("link", name="See the change log of this job").click()
    expect(page.get_by_test_id("audit-entries")).to_contain_text(f"Invoice {doomed[0].number}")
    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/?period=month&year=2019&month=6")
    expect(page.get_by_test_id("row")).to_have_count(1)
    expect(page.get_by_test_id("row")).to_have_attribute("data-id", kept.id)
