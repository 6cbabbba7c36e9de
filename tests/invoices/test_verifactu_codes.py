"""Verifactu's codes for an exempt income invoice: offered on income documents, refused at their field,
and a code the list lacks kept by a save that did not touch it."""

import re

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.resource_admin.forms import DocumentForm, ItemForm
from tests.helpers import created_id, exempt_invoice, foreign_customer_create, form_data


@pytest.fixture
def quipu_account(sandbox):
    """A company on Verifactu: Quipu requires the codes there."""
    return sandbox.create_account("Verifactu S.L.", seed="small", verifactu=True)


@pytest.fixture
def foreign_customer(quipu):
    return foreign_customer_create(quipu)


def test_the_codes_are_saved_to_quipu(portal, quipu, foreign_customer):
    invoice = exempt_invoice(quipu, foreign_customer)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    assert (data["exempt_reason"], data["collection_type"]) == ("R1", "R1")
    data.update(exempt_reason="R2", collection_type="none")

    assert portal.post(url, data).status_code == 302

    saved = quipu.retrieve("invoices", invoice.id)
    assert (saved.exempt_reason, saved.collection_type) == ("R2", "none")


def field_errors(page: str, name: str) -> str:
    """The text around a form field, where its error message stands."""
    at = page.index(f'name="{name}"')
    return page[page.rindex("<div", 0, at) : page.index("</select>", at) + 400]


def test_a_line_made_exempt_asks_for_the_codes_at_their_fields_and_keeps_the_typing(
    portal, quipu, foreign_customer
):
    invoice = exempt_invoice(
        quipu, foreign_customer, collection_type=None, exempt_reason=None, vat_percent=21
    )
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data.update({"items-0-vat_percent": "0", "notes": "Exportación a Francia"})

    page = portal.post(url, data).content.decode()

    assert "Can not be blank" in field_errors(page, "collection_type")
    assert "Can not be blank" in field_errors(page, "exempt_reason")
    assert "Exportación a Francia" in page
    assert quipu.retrieve("invoices", invoice.id, include=["items"]).items[0].vat_percent == 21

    data.update(collection_type="R1", exempt_reason="R2")
    assert portal.post(url, data).status_code == 302
    saved = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert (saved.items[0].vat_percent, saved.collection_type, saved.exempt_reason) == (0, "R1", "R2")


def test_a_code_quipu_holds_that_the_list_lacks_survives_a_save(portal, quipu, foreign_customer):
    invoice = exempt_invoice(quipu, foreign_customer, canary_island_special_zone="R4")
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    assert data["canary_island_special_zone"] == "R4"  # offered and chosen, not replaced by a blank
    data["tags"] = "revisado"

    assert portal.post(url, data).status_code == 302

    saved = quipu.retrieve("invoices", invoice.id)
    assert (saved.tags, saved.canary_island_special_zone) == ("revisado", "R4")


@pytest.mark.parametrize(
    ("namespace", "kind", "offered"),
    [
        ("invoices", "income", True),
        ("invoices", "expenses", False),
        ("simplified_invoices", "income", True),
        ("simplified_invoices", "expenses", False),
    ],
)
def test_only_income_documents_offer_the_codes(portal, namespace, kind, offered):
    page = portal.get(connection_reverse(f"{namespace}:create") + f"?kind={kind}").content.decode()

    assert ('name="exempt_reason"' in page) is offered
    assert ('name="canary_island_special_zone"' in page) is offered


def test_a_new_income_invoice_of_a_verifactu_company_is_created_with_its_lines_surcharge(portal, quipu):
    customer = next(
        c for c in quipu.iterate("contacts", filters={"kind": "client"}) if c.country_code == "es"
    )
    category = next(c.id for c in quipu.iterate("accounting_categories") if str(c.prefix).startswith("705"))
    url = connection_reverse("invoices:create") + "?kind=income"
    data = form_data(portal.get(url))
    data.update({"contact": customer.id, "issue_date": "2026-10-05"})
    line = {"concept": "Reparación", "unitary_amount": "200", "vat_percent": "21", "kind": "current"}
    data.update({f"items-0-{name}": value for name, value in line.items()})
    data["items-0-accounting_category"] = category
    data = form_data(portal.post(url, {**data.dict(), "_add_item": "1"}))
    data.update(
        {"items-1-concept": "Lubricante", "items-1-unitary_amount": "10", "items-1-vat_percent": "21"}
    )
    data.update({"items-1-kind": "current", "items-1-accounting_category": category})
    data["items-1-equivalence_surcharge"] = "on"

    created = quipu.retrieve("invoices", created_id(portal.post(url, data)), include=["items"])

    assert [(item.concept, item.equivalence_surcharge) for item in created.items] == [
        ("Reparación", False),
        ("Lubricante", True),
    ]
    edit = portal.get(connection_reverse("invoices:edit", args=[created.id])).content.decode()
    checkboxes = re.findall(r'<input type="checkbox" name="items-\d-equivalence_surcharge"[^>]*>', edit)
    assert ["checked" in checkbox for checkbox in checkboxes] == [False, True]


def test_a_blank_code_is_left_out_of_the_write_as_quipu_may_not_send_codes_back():
    fields = ("kind", "exempt_reason", "collection_type", "canary_island_special_zone")
    form = DocumentForm({"kind": "income", "collection_type": "R2"}, fields=fields)

    assert form.is_valid()
    assert form.api_attributes() == {"kind": "income", "collection_type": "R2"}


def test_an_existing_lines_surcharge_is_sent_only_when_the_user_changed_it():
    untouched = ItemForm({"id": "7", "concept": "Servicio"}, initial={"id": "7", "concept": "Servicio"})
    ticked = ItemForm({"id": "7", "concept": "Servicio", "equivalence_surcharge": "on"}, initial={"id": "7"})
    new = ItemForm({"concept": "Servicio"})

    assert untouched.is_valid() and ticked.is_valid() and new.is_valid()
    assert "equivalence_surcharge" not in untouched.api_attributes()
    assert ticked.api_attributes()["equivalence_surcharge"] is True
    assert new.api_attributes()["equivalence_surcharge"] is False


def test_a_partial_credit_note_in_a_verifactu_company_sends_each_lines_kind_and_category(portal, quipu):
    customer = next(
        c for c in quipu.iterate("contacts", filters={"kind": "client"}) if c.country_code == "es"
    )
    invoice = exempt_invoice(quipu, customer.id, vat_percent=21, collection_type=None, exempt_reason=None)
    category = invoice.items[0].accounting_category.id
    url = connection_reverse("invoices:amend", args=[invoice.id])
    data = form_data(portal.get(url), form_id="amend-form")
    assert 'name="items-0-accounting_category"' in portal.get(url).content.decode()
    data.update({"mode": "partial", "credit_note_reason": "R5", "issue_date": "2026-11-21"})
    line = {"concept": "Descuento", "quantity": "1", "unitary_amount": "-20", "vat_percent": "21"}
    data.update({f"items-0-{name}": value for name, value in line.items()})
    data["items-0-accounting_category"] = category

    note = quipu.retrieve("invoices", created_id(portal.post(url, data)), include=["items"])

    assert [(item.concept, item.kind, item.accounting_category.id) for item in note.items] == [
        ("Descuento", "current", category)
    ]
