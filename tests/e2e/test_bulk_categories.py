"""In the browser: filter a quarter's expense tickets, select them all, change their category, watch the
job reach 100% (run by a real cluster), open a changed ticket, then undo the job."""

import re

from playwright.sync_api import expect

from quipu_portal.bulk_categories.changes import category_state
from quipu_portal.quipu.refdata import reference_data


def busiest_ticket_quarter(quipu) -> tuple[int, int]:
    counts = {}
    for ticket in quipu.iterate("book_entries", filters={"type": "tickets", "kind": "expenses"}):
        key = (ticket.issue_date.year, (ticket.issue_date.month - 1) // 3 + 1)
        counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.get)


def test_change_the_category_of_a_quarters_tickets_watch_it_and_undo(
    page_on_account, live_server, quipu, cluster, connection
):
    page = page_on_account
    # Seed tickets are on 629; move them to 622.
    repairs = next(c for c in reference_data(quipu).accounting_categories if c.prefix == "622")
    year, quarter = busiest_ticket_quarter(quipu)
    in_quarter = {"type": "tickets", "kind": "expenses", "period": f"{year}-Q{quarter}"}
    before = {
        record.id: category_state(record) for record in quipu.iterate("book_entries", filters=in_quarter)
    }
    assert before  # the seed's tickets are spread over the year; the busiest quarter has one or more

    page.goto(f"{live_server.url}/c/{connection.pk}/tickets/")
    page.locator("#id_period").select_option("quarter")
    page.locator("#id_year").select_option(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    page.locator("#id_kind").select_option("expenses")
    expect(page).to_have_url(re.compile(rf"quarter={quarter}"))
    expect(page).to_have_url(re.compile(r"kind=expenses"))
    expect(page.get_by_test_id("row")).to_have_count(len(before))

    page.get_by_test_id("select-across").check()
    page.get_by_role("button", name="Change categories").click()
    expect(page.get_by_role("heading", name="Change categories")).to_be_visible()
    page.get_by_label("Accounting category").select_option(repairs.id)
    page.get_by_role("button", name="Preview the change").click()

    expect(page.get_by_test_id("preview-to-change")).to_contain_text(
        re.compile(rf"^{len(before)} documents? will change")
    )
    page.get_by_test_id("confirm").click()

    expect(page.get_by_test_id("job-percent")).to_have_text("100%", timeout=30_000)
    expect(page.get_by_test_id("job-progress-bar")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("job-status")).to_have_text("Finished")
    expect(page.get_by_test_id("count-changed")).to_have_text(str(len(before)))
    for record in quipu.iterate("book_entries", filters=in_quarter):
        assert record.accounting_category.id == repairs.id

    # Open one changed ticket: it now carries the new category.
    job_url = page.url
    page.locator("[data-testid=job-item][data-state=changed] a").first.click()
    expect(page.locator("main")).to_contain_text("Reparaciones y conservación")

    page.goto(job_url)
    page.get_by_test_id("undo").click()
    expect(page.get_by_role("heading", name=re.compile("^Undo"))).to_be_visible()
    expect(page.get_by_test_id("job-percent")).to_have_text("100%", timeout=30_000)
    expect(page.get_by_test_id("job-status")).to_have_text("Finished")
    after = {
        record.id: category_state(record) for record in quipu.iterate("book_entries", filters=in_quarter)
    }
    assert after == before
