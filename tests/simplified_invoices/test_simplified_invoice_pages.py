"""Simplified invoices: create, edit keeping lines, kind-only fields, amending ones, delete, 422."""

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.resource_admin.forms import DocumentForm
from tests.helpers import created_id, first_document, form_data, items_of


def income_edit_form(portal, quipu):
    """An income simplified invoice with a line, its edit URL and the data its form would post."""
    record = first_document(
        quipu, "simplified_invoices", resource="simplified_invoices", kind="income", with_items=1
    )
    url = connection_reverse("simplified_invoices:edit", args=[record.id])
    return record, url, form_data(portal.get(url))


def test_create_an_income_simplified_invoice_names_the_customer(portal, quipu):
    url = connection_reverse("simplified_invoices:create") + "?kind=income"
    page = portal.get(url).content.decode()
    assert 'name="recipient_name"' in page and 'name="issuing_name"' not in page
    data = form_data(portal.get(url))
    data.update({"recipient_name": "Cliente de mostrador", "issue_date": "2026-11-02"})
    data.update(
        {"items-0-concept": "Café y tostada", "items-0-unitary_amount": "3,20", "items-0-vat_percent": "10"}
    )

    record = quipu.retrieve("simplified_invoices", created_id(portal.post(url, data)), include=["items"])

    assert record.recipient_name == "Cliente de mostrador"
    assert [item.concept for item in record.items] == ["Café y tostada"]


def test_edit_keeps_every_line_it_did_not_touch(portal, quipu):
    record = first_document(quipu, "simplified_invoices", resource="simplified_invoices", with_items=1)
    url = connection_reverse("simplified_invoices:edit", args=[record.id])
    data = form_data(portal.get(url))
    data["tags"] = "revisado"

    assert portal.post(url, data).status_code == 302

    after = quipu.retrieve("simplified_invoices", record.id, include=["items"])
    assert after.tags == "revisado"
    assert items_of(after) == items_of(record)


def test_changing_the_kind_is_refused_next_to_the_kind(portal, quipu):
    record, url, data = income_edit_form(portal, quipu)
    data["kind"] = "expenses"
    data["issuing_name"] = "Proveedor"

    page = portal.post(url, data).content.decode()

    kind_field = page[page.index('id="id_kind"') :][:1200]
    assert "can not be changed" in kind_field
    assert quipu.retrieve("simplified_invoices", record.id).kind == "income"


def test_an_amending_simplified_invoice_links_both_ways(portal, quipu):
    record = first_document(
        quipu, "simplified_invoices", resource="simplified_invoices", kind="income", with_items=1
    )
    url = connection_reverse("simplified_invoices:amend", args=[record.id])
    data = {"mode": "full", "issue_date": "2026-11-22", "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"}

    note_id = created_id(portal.post(url, data))

    original = portal.get(connection_reverse("simplified_invoices:detail", args=[record.id])).content.decode()
    note = portal.get(connection_reverse("simplified_invoices:detail", args=[note_id])).content.decode()
    assert connection_reverse("simplified_invoices:detail", args=[note_id]) in original
    assert connection_reverse("simplified_invoices:detail", args=[record.id]) in note


def test_delete_after_confirmation(portal, quipu):
    record = first_document(quipu, "simplified_invoices", resource="simplified_invoices", kind="expenses")

    response = portal.post(connection_reverse("simplified_invoices:delete", args=[record.id]))

    assert response["Location"] == connection_reverse("simplified_invoices:list")
    assert portal.get(connection_reverse("simplified_invoices:detail", args=[record.id])).status_code == 404


def test_choosing_the_kind_redraws_the_form_without_saving_or_losing_lines(portal, quipu):
    url = connection_reverse("simplified_invoices:create") + "?kind=income"
    data = form_data(portal.get(url))
    data.update({"kind": "expenses", "items-0-concept": "Gasolina", "_refresh": "1"})
    before = quipu.list("book_entries", filters={"type": "simplified_invoices"}).total_results

    response = portal.post(url, data, headers={"HX-Request": "true", "HX-Target": "document-form"})

    page = response.content.decode()
    assert 'name="issuing_name"' in page and 'name="recipient_name"' not in page
    assert 'value="Gasolina"' in page and "This field is required" not in page
    assert quipu.list("book_entries", filters={"type": "simplified_invoices"}).total_results == before


def test_a_sale_to_another_country_takes_its_destination_and_a_blank_one_is_not_sent(portal, quipu):
    record, url, data = income_edit_form(portal, quipu)
    data["target_country"] = "F1"
    page = portal.post(url, data).content.decode()
    assert "“f1” is not a two-letter country code such as es or pt." in page

    data["target_country"] = "FR"
    assert portal.post(url, data).status_code == 302
    assert quipu.retrieve("simplified_invoices", record.id).recipient_country_code == "fr"

    # Quipu does not send it back: the form shows it blank, and blank is left out of the write.
    form = DocumentForm({"kind": "income", "target_country": ""}, fields=("kind", "target_country"))
    assert form.is_valid() and "target_country" not in form.api_attributes()


def test_an_expense_simplified_invoice_has_no_destination(portal):
    page = portal.get(connection_reverse("simplified_invoices:create") + "?kind=expenses").content.decode()
    assert 'name="target_country"' not in page
