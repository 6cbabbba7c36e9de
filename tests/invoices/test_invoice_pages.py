"""Invoices against the sandbox: detail, edit (items kept), create, delete, credit notes, 422s."""

import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.jobs.models import Job
from quipu_portal.quipu.records import ItemInput, RecordInput
from tests.helpers import form_data, htmx, run_to_end


def invoices(quipu, **filters):
    return list(quipu.iterate("book_entries", filters={"type": "invoices", **filters}))


def with_items(quipu, kind="income", at_least=2):
    for summary in invoices(quipu, kind=kind):
        invoice = quipu.retrieve("invoices", summary.id, include=["items"])
        if len(invoice.items) >= at_least and not invoice.amending_invoices and not invoice.amended_invoice:
            return invoice
    raise AssertionError("the seed has no such invoice")


def item_snapshot(invoice):
    return [
        (
            item.id,
            item.concept,
            item.quantity,
            item.unitary_amount,
            item.vat_percent,
            item.retention_percent,
            item.discount_percent,
            item.accounting_category,
            item.accounting_subcategory,
        )
        for item in invoice.items
    ]


def test_detail_shows_attributes_parties_items_and_names(portal, quipu):
    invoice = with_items(quipu)
    names = {c.id: c.name for c in quipu.iterate("accounting_categories")}

    response = portal.get(connection_reverse("invoices:detail", args=[invoice.id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert invoice.number in page
    assert invoice.recipient_name in page and invoice.recipient_tax_id in page
    assert names[invoice.accounting_category.id] in page
    assert page.count('data-testid="item-row"') == len(invoice.items)
    for item in invoice.items:
        assert item.concept in page
    assert 'data-testid="total-total_amount"' in page
    assert connection_reverse("invoices:edit", args=[invoice.id]) in page
    assert connection_reverse("invoices:amend", args=[invoice.id]) in page


def test_a_missing_invoice_is_a_404(portal):
    assert portal.get(connection_reverse("invoices:detail", args=["999999999"])).status_code == 404


def test_an_edit_that_does_not_touch_items_keeps_every_item(portal, quipu):
    invoice = with_items(quipu)
    before = item_snapshot(invoice)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["paid_at"] = "2026-11-20"
    data["notes"] = "Cobrada por transferencia"

    response = portal.post(url, data)

    assert response.status_code == 302
    after = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert str(after.paid_at) == "2026-11-20"
    assert after.notes == "Cobrada por transferencia"
    assert item_snapshot(after) == before


def test_changing_a_lines_vat_and_the_category_saves_both_and_keeps_the_other_lines(portal, quipu):
    invoice = with_items(quipu)
    before = item_snapshot(invoice)
    other = next(
        c
        for c in quipu.iterate("accounting_categories", filters={"kind": "income"})
        if c.id != invoice.accounting_category.id
    )
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["accounting_category"] = other.id
    data["accounting_subcategory"] = ""
    data["items-0-vat_percent"] = "10"

    response = portal.post(url, data, headers=htmx())

    assert response.status_code == 200 and response["HX-Redirect"] == connection_reverse(
        "invoices:detail", args=[invoice.id]
    )
    after = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert after.accounting_category.id == other.id
    assert after.items[0].vat_percent == 10
    assert item_snapshot(after)[1:] == before[1:]
    assert after.items[0].id == invoice.items[0].id


def test_removing_and_reordering_lines(portal, quipu):
    invoice = with_items(quipu, at_least=2)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    count = int(data["items-TOTAL_FORMS"])
    data["items-0-DELETE"] = "on"
    data[f"items-{count - 1}-ORDER"] = "0"

    assert portal.post(url, data).status_code == 302

    after = quipu.retrieve("invoices", invoice.id, include=["items"])
    kept = [item.id for item in invoice.items[1:]]
    assert [item.id for item in after.items] == [kept[-1], *kept[:-1]]


def test_a_422_on_a_field_shows_next_to_it_and_keeps_what_was_typed(portal, quipu):
    first, second = invoices(quipu, kind="income")[:2]
    url = connection_reverse("invoices:edit", args=[second.id])
    data = form_data(portal.get(url))
    data["number"] = first.number
    data["notes"] = "Texto que no se debe perder"

    response = portal.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    number_field = page[page.index('id="id_number"') :][:1500]
    assert "has already been taken" in number_field
    assert "Texto que no se debe perder" in page
    assert quipu.retrieve("invoices", second.id).number == second.number


def test_a_422_inside_a_line_shows_on_that_lines_field(portal, quipu):
    invoice = with_items(quipu, kind="expenses", at_least=1)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.post(url, {**form_data(portal.get(url)).dict(), "_add_item": "1"}))
    data.update({"items-1-concept": "Devolución", "items-1-unitary_amount": "5"})
    data["items-1-kind"] = "reimbursement"  # only income lines can be reimbursements

    response = portal.post(url, data)

    page = response.content.decode()
    rows = re.findall(r'<tr data-item-row class="([^"]*)"', page)
    assert rows == ["", "row-invalid"]
    second_row = page.split('data-testid="item-form-row"')[2]
    kind_cell = second_row[second_row.index('name="items-1-kind"') :]
    assert "errorlist" in kind_cell[:2000]
    assert 'value="Devolución"' in second_row
    assert len(quipu.retrieve("invoices", invoice.id, include=["items"]).items) == len(invoice.items)


def test_create_an_expense_invoice_with_two_lines(portal, quipu):
    contact = next(iter(quipu.iterate("contacts")))
    url = connection_reverse("invoices:create") + "?kind=expenses"
    data = form_data(portal.get(url))
    data.update({"contact": contact.id, "issue_date": "2026-10-05", "number": "PROV-77"})
    data.update(
        {"items-0-concept": "Aceite 5W30", "items-0-quantity": "4", "items-0-unitary_amount": "12,50"}
    )
    data["items-0-vat_percent"] = "21"
    data = form_data(portal.post(url, {**data.dict(), "_add_item": "1"}))
    data.update({"items-1-concept": "Filtro", "items-1-quantity": "1", "items-1-unitary_amount": "8.20"})
    data["items-1-vat_percent"] = "21"

    response = portal.post(url, data)

    assert response.status_code == 302
    created_id = response["Location"].rstrip("/").split("/")[-1]
    created = quipu.retrieve("invoices", created_id, include=["items"])
    assert created.kind == "expenses" and created.contact.id == contact.id
    assert [(i.concept, i.quantity, i.unitary_amount) for i in created.items] == [
        ("Aceite 5W30", 4, Decimal("12.5")),
        ("Filtro", 1, Decimal("8.2")),
    ]


def test_create_without_lines_or_contact_is_refused_before_reaching_quipu(portal):
    url = connection_reverse("invoices:create") + "?kind=income"
    data = form_data(portal.get(url))

    response = portal.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "A document needs at least one line." in page


def test_delete_names_the_document_and_removes_it(portal, quipu):
    invoice = invoices(quipu, kind="expenses")[-1]
    url = connection_reverse("invoices:delete", args=[invoice.id])

    confirm = portal.get(url).content.decode()
    assert f"Delete Invoice {invoice.number}?" in confirm

    response = portal.post(url)
    assert response.status_code == 302 and response["Location"] == connection_reverse("invoices:list")
    assert portal.get(connection_reverse("invoices:detail", args=[invoice.id])).status_code == 404


def test_a_refused_delete_is_explained(portal, quipu):
    invoice = with_items(quipu)
    quipu.create("invoices", RecordInput(relationships={"amended_invoice": invoice.id}))

    response = portal.post(connection_reverse("invoices:delete", args=[invoice.id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Quipu refused to delete this document." in page
    assert "amending documents" in page
    assert quipu.retrieve("invoices", invoice.id).id == invoice.id


def test_a_partial_credit_note_from_the_invoice_page(portal, quipu):
    invoice = with_items(quipu)
    url = connection_reverse("invoices:amend", args=[invoice.id])
    data = form_data(portal.get(url), form_id="amend-form")
    data.update({"mode": "partial", "credit_note_reason": "R5", "issue_date": "2026-11-21"})
    data.update(
        {"items-0-concept": "Descuento por retraso", "items-0-quantity": "1", "items-0-unitary_amount": "-20"}
    )
    data["items-0-vat_percent"] = "21"

    response = portal.post(url, data)

    assert response.status_code == 302
    note = quipu.retrieve("invoices", response["Location"].rstrip("/").split("/")[-1], include=["items"])
    assert note.amended_invoice.id == invoice.id
    assert [(i.concept, i.unitary_amount) for i in note.items] == [("Descuento por retraso", -20)]
    original = portal.get(connection_reverse("invoices:detail", args=[invoice.id])).content.decode()
    assert connection_reverse("invoices:detail", args=[note.id]) in original


def test_a_full_refund_copies_the_invoice(portal, quipu):
    invoice = with_items(quipu)
    data = {"mode": "full", "issue_date": "2026-11-21", "credit_note_reason": "R1"}
    data.update({"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0"})

    response = portal.post(connection_reverse("invoices:amend", args=[invoice.id]), data)

    note = quipu.retrieve("invoices", response["Location"].rstrip("/").split("/")[-1], include=["items"])
    assert note.total_amount == -invoice.total_amount
    assert len(note.items) == len(invoice.items)


def test_the_subcategory_picker_follows_the_category(portal, quipu):
    sub = next(iter(quipu.iterate("accounting_subcategories")))

    response = portal.get(
        connection_reverse("invoices:subcategories"),
        {"items-0-accounting_category": sub.accounting_category.id},
        headers=htmx(),
    )

    options = response.content.decode()
    assert f'<option value="{sub.id}">{sub.name}</option>' in options
    assert "<optgroup" not in options


def test_items_preview_and_aria_labels_on_the_edit_form(portal, quipu):
    invoice = with_items(quipu)

    page = portal.get(connection_reverse("invoices:edit", args=[invoice.id])).content.decode()

    assert 'aria-label="VAT %, line 1"' in page
    assert "Calculated by Quipu" in page
    assert 'name="total_amount"' not in page


def test_attachments_upload_preview_and_delete(portal, quipu):
    invoice = with_items(quipu, kind="expenses", at_least=1)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    png = buffer.getvalue()

    upload = SimpleUploadedFile("ticket.png", png, content_type="image/png")
    response = portal.post(connection_reverse("invoices:attachments", args=[invoice.id]), {"file": upload})
    assert response.status_code == 302

    attachment_id = quipu.retrieve("invoices", invoice.id).attachments[-1].id
    detail = portal.get(connection_reverse("invoices:detail", args=[invoice.id])).content.decode()
    file_url = connection_reverse("invoices:attachment-file", args=[invoice.id, attachment_id])
    assert f'src="{file_url}?size=thumbnail"' in detail
    assert b"".join(portal.get(file_url).streaming_content) == png

    portal.post(connection_reverse("invoices:attachment-delete", args=[invoice.id, attachment_id]))
    assert attachment_id not in [ref.id for ref in quipu.retrieve("invoices", invoice.id).attachments]


def test_the_detail_of_an_income_invoice_offers_its_pdf(portal, quipu):
    invoice = with_items(quipu, kind="income", at_least=1)

    detail = portal.get(connection_reverse("invoices:detail", args=[invoice.id])).content.decode()

    assert f'href="{connection_reverse("pdfs:download", args=["invoices", invoice.id])}"' in detail
    assert "Download PDF" in detail


def test_bulk_delete_of_the_ticked_rows_asks_first(portal, quipu):
    doomed = [record.id for record in invoices(quipu, kind="expenses")[-2:]]
    url = connection_reverse("invoices:bulk")

    asked = portal.post(url, {"action": "delete", "ids": doomed, "query": "kind=expenses"})
    confirm = portal.get(asked["Location"])
    assert "Delete 2 documents?" in confirm.content.decode()
    assert all(quipu.retrieve("invoices", doc_id) for doc_id in doomed)

    started = portal.post(asked["Location"], {"action": "run"})
    job = Job.objects.get()
    assert started["Location"] == connection_reverse("jobs:detail", args=[job.pk])
    run_to_end(job)
    remaining = {record.id for record in invoices(quipu)}
    assert not remaining.intersection(doomed)


def test_select_all_matching_the_filter_takes_every_page(portal, quipu):
    matching = [record.id for record in invoices(quipu, kind="expenses", period="2025")]

    asked = portal.post(
        connection_reverse("invoices:bulk"),
        {"action": "delete", "select_across": "1", "query": "kind=expenses&period=year&year=2025"},
    )

    page = portal.get(asked["Location"]).content.decode()
    assert f"Delete {len(matching)} document" in page
    assert sorted(Job.objects.get().items.values_list("document_id", flat=True)) == sorted(matching)


def test_an_expense_line_takes_its_deductible_shares_and_an_income_line_has_none(portal, quipu):
    invoice = with_items(quipu, kind="expenses", at_least=1)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data.update({"items-0-deductible_vat_percent": "50", "items-0-deductible_expense_percent": "50"})

    assert portal.post(url, data).status_code == 302

    line = quipu.retrieve("invoices", invoice.id, include=["items"]).items[0]
    assert (line.deductible_vat_percent, line.deductible_expense_percent) == (50, 50)
    detail = portal.get(connection_reverse("invoices:detail", args=[invoice.id])).content.decode()
    notes = re.search(r'data-testid="item-notes">([^<]*)<', detail).group(1)
    assert "VAT deductible 50\u00a0%" in notes and "Expense deductible 50\u00a0%" in notes
    income = with_items(quipu, kind="income", at_least=1)
    page = portal.get(connection_reverse("invoices:edit", args=[income.id])).content.decode()
    assert "deductible_vat_percent" not in page and "items-0-equivalence_surcharge" in page


def test_in_spanish_a_line_shows_decimal_commas_without_grouping_and_saves_the_same_numbers(
    portal, quipu, accountant
):
    user_language_set(user=accountant, language="es")
    contact = next(iter(quipu.iterate("contacts")))
    line = ItemInput(attributes={"concept": "Estantería", "quantity": "1500", "unitary_amount": "1500.25"})
    invoice = quipu.create(
        "invoices",
        RecordInput(
            attributes={"kind": "expenses", "issue_date": "2026-10-05", "number": "E-1500"},
            relationships={"contact": contact.id},
            items=[line],
        ),
    )
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    assert data["items-0-unitary_amount"] == "1500,25"
    assert data["items-0-quantity"].split(",")[0] == "1500"  # never "1.500", read back as 1.5
    data["tags"] = "revisado"

    assert portal.post(url, data).status_code == 302

    saved = quipu.retrieve("invoices", invoice.id, include=["items"]).items[0]
    assert (saved.quantity, saved.unitary_amount) == (1500, Decimal("1500.25"))
