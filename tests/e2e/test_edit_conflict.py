"""In the browser: an edit meets a change made in Quipu meanwhile, shows it, and applies on top of it."""

from playwright.sync_api import expect

from quipu_portal.quipu.jsonapi import item_to_input
from quipu_portal.quipu.records import ItemInput, RecordInput


def invoice_with_lines(quipu):
    for summary in quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"}):
        invoice = quipu.retrieve("invoices", summary.id, include=["items"])
        if len(invoice.items) >= 2 and not invoice.amending_invoices and not invoice.amended_invoice:
            return invoice
    raise AssertionError("the seed has no such invoice")


def test_an_edit_that_meets_a_change_in_quipu_shows_it_and_merges(page_on_account, live_server, quipu):
    page = page_on_account
    invoice = invoice_with_lines(quipu)
    page.goto(f"{live_server.url}/invoices/{invoice.id}/edit/")
    page.get_by_label("Notes").fill("Revisada por la gestoría")

    # Meanwhile, someone adds a line in Quipu.
    lines = [item_to_input(item) for item in invoice.items]
    lines.append(
        ItemInput(
            attributes={"concept": "Recambio añadido en Quipu", "quantity": "1", "unitary_amount": "35"}
        )
    )
    quipu.update("invoices", invoice.id, RecordInput(items=lines))

    page.get_by_role("button", name="Save").click()

    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Changed in Quipu since you opened this form")
    expect(conflict).to_contain_text("Line added in Quipu: “Recambio añadido en Quipu”.")
    expect(page.get_by_label("Notes")).to_have_value("Revisada por la gestoría")
    assert quipu.retrieve("invoices", invoice.id).notes != "Revisada por la gestoría"

    page.get_by_test_id("conflict-merge").click()

    expect(page.get_by_test_id("document-title")).to_be_visible()
    expect(page.get_by_text("Recambio añadido en Quipu")).to_be_visible()
    saved = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert saved.notes == "Revisada por la gestoría"
    assert [item.concept for item in saved.items][-1] == "Recambio añadido en Quipu"
    assert len(saved.items) == len(invoice.items) + 1
