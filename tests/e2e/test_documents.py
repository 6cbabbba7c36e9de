"""An accountant's day in the browser: filter, sort, open, fix, create, refund, attach, go back."""

import re

from PIL import Image
from playwright.sync_api import expect

from quipu_portal.resource_admin.services import period_bounds


def busiest_quarter(quipu):
    counts = {}
    for invoice in quipu.iterate("book_entries", filters={"type": "invoices"}):
        key = (invoice.issue_date.year, (invoice.issue_date.month - 1) // 3 + 1)
        counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.get)


def test_filter_sort_open_fix_and_go_back_to_the_filtered_list(
    page_on_account, live_server, quipu, connection
):
    page = page_on_account
    year, quarter = busiest_quarter(quipu)
    start, end = period_bounds(f"{year}-Q{quarter}")
    expected = quipu.list(
        "book_entries",
        filters={"type": "invoices", "period": f"{year}-Q{quarter}"},
        sort=["total_amount"],
    ).records

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.locator("#id_period").select_option("quarter")
    page.locator("#id_year").select_option(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    expect(page).to_have_url(re.compile(rf"period=quarter&year={year}&quarter={quarter}"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{len(expected)} document")

    page.get_by_test_id("sort-total_amount").click()
    expect(page).to_have_url(re.compile(r"sort=total_amount"))
    rows = page.get_by_test_id("row")
    expect(rows).to_have_count(len(expected))
    expect(rows.first).to_have_attribute("data-id", expected[0].id)
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Total")

    # Open the cheapest one, then Back: the filtered, sorted list comes back.
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_test_id("document-title")).to_contain_text(expected[0].number)
    page.go_back()
    expect(page).to_have_url(re.compile(r"quarter=.*sort=total_amount"))
    expect(page.locator("#id_period")).to_have_value("quarter")
    expect(page.get_by_test_id("row").first).to_have_attribute("data-id", expected[0].id)
    for day in page.get_by_test_id("row").locator("td:nth-child(3)").all_inner_texts():
        assert day  # every row shows its date

    # Fix it: another accounting category and 10 % VAT on the first line.
    invoice = quipu.retrieve("invoices", expected[0].id, include=["items"])
    category = next(
        c
        for c in quipu.iterate("accounting_categories", filters={"kind": invoice.kind})
        if c.id != (invoice.accounting_category.id if invoice.accounting_category else None)
    )
    page.get_by_test_id("row").first.get_by_role("link").first.click()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Accounting category").select_option(category.id)
    page.get_by_label("VAT %, line 1").fill("10")
    expect(page.get_by_test_id("items-total")).not_to_have_text("")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    expect(page.locator("dd").filter(has_text=category.name).first).to_be_visible()
    expect(page.get_by_test_id("item-vat").first).to_contain_text("10")
    saved = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert saved.accounting_category.id == category.id
    assert saved.items[0].vat_percent == 10
    assert [i.id for i in saved.items] == [i.id for i in invoice.items]
    assert start <= saved.issue_date <= end


def test_create_an_expense_invoice_with_two_lines(page_on_account, live_server, quipu, connection):
    page = page_on_account
    contact = next(iter(quipu.iterate("contacts")))

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.get_by_role("link", name="New expense").click()
    page.get_by_role("combobox", name="Contact").select_option(contact.id)
    page.get_by_label("Number", exact=True).fill("PROV-2026-41")
    page.get_by_label("Concept, line 1").fill("Neumáticos 205/55")
    page.get_by_label("Quantity, line 1").fill("4")
    page.get_by_label("Unit price, line 1").fill("61,90")
    page.get_by_label("VAT %, line 1").fill("21")
    page.get_by_role("button", name="Add a line").click()
    page.get_by_label("Concept, line 2").fill("Montaje")
    page.get_by_label("Unit price, line 2").fill("30")
    page.get_by_label("VAT %, line 2").fill("21")
    expect(page.get_by_test_id("items-total")).to_contain_text("335")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="created")).to_be_visible()
    expect(page.get_by_test_id("item-row")).to_have_count(2)
    expect(page.get_by_test_id("document-title")).to_contain_text("PROV-2026-41")


def test_issue_a_partial_credit_note_and_upload_an_attachment(
    page_on_account, live_server, quipu, tmp_path, connection
):
    page = page_on_account
    invoice = next(
        quipu.retrieve("invoices", summary.id)
        for summary in quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"})
        if not quipu.retrieve("invoices", summary.id).amended_invoice
    )

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/{invoice.id}/")
    page.get_by_role("link", name="Issue a credit note").click()
    page.get_by_label("Only the lines below").check()
    page.get_by_label("Reason for the amendment").select_option("R5")
    page.get_by_label("Concept, line 1").fill("Descuento por retraso en la entrega")
    page.get_by_label("Quantity, line 1").fill("1")
    page.get_by_label("Unit price, line 1").fill("-25")
    page.get_by_label("VAT %, line 1").fill("21")
    page.get_by_test_id("create-credit-note").click()

    expect(page.get_by_role("status").filter(has_text="Credit note created")).to_be_visible()
    expect(page.get_by_test_id("item-row")).to_have_count(1)
    expect(page.get_by_test_id("total-total_amount")).to_contain_text("-€30.25")
    note_url = page.url

    # The original now links to its credit note.
    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/{invoice.id}/")
    page.get_by_test_id("amending-link").first.click()
    expect(page).to_have_url(note_url)

    image = tmp_path / "albaran.png"
    Image.new("RGB", (120, 80), (30, 90, 160)).save(image, format="PNG")
    page.get_by_label("File").set_input_files(str(image))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="Attachment uploaded")).to_be_visible()
    attachment = page.get_by_test_id("attachment")
    expect(attachment).to_have_count(1)
    preview = attachment.get_by_role("img")
    expect(preview).to_be_visible()
    loaded_width = preview.evaluate(
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => { img.onload = img.onerror = () => done(img.naturalWidth); })"
    )
    assert loaded_width > 0


def test_typing_a_search_updates_the_list_and_the_address(page_on_account, live_server, quipu, connection):
    page = page_on_account
    expected = quipu.list("book_entries", filters={"type": "invoices", "q": "frenos"})

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.get_by_role("searchbox", name="Search", exact=True).press_sequentially("frenos", delay=30)

    expect(page).to_have_url(re.compile(r"q=frenos"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"{expected.total_results} document")
    expect(page.get_by_test_id("row")).to_have_count(len(expected.records))


def test_one_search_box_looks_in_the_chosen_field(page_on_account, live_server, quipu, connection):
    page = page_on_account
    first = quipu.list("book_entries", filters={"type": "invoices"}, sort=["-issue_date"]).records[0]
    by_number = quipu.list(
        "book_entries",
        filters={"type": "invoices", "field_query": {"field": "number", "term": first.number}},
    ).records

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/")
    page.get_by_label("Search in").select_option("number")
    page.get_by_label("Search", exact=True).press_sequentially(first.number)
    expect(page).to_have_url(re.compile(rf"q={re.escape(first.number)}.*field=number"))
    rows = page.get_by_test_id("row")
    expect(rows).to_have_count(len(by_number))
    expect(rows.first).to_contain_text(first.number)

    # No contact is called like an invoice number: searching only contacts finds nothing.
    page.get_by_label("Search in").select_option("contact")
    expect(page).to_have_url(re.compile(r"field=contact"))
    expect(rows).to_have_count(0)
