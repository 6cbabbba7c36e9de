"""Contacts against the sandbox: every filter and sort, detail with totals and documents, writes, refusals."""

import re

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.quipu.records import RecordInput
from tests.helpers import form_data, htmx
from tests.reference_pages import field_errors, row_ids

LIST = "contacts:list"


def api_ids(quipu, **kwargs) -> list[str]:
    return [record.id for record in quipu.list("contacts", page_size=20, **kwargs).records]


def contact_with_documents(quipu):
    return next(c for c in quipu.iterate("contacts") if c.deletable is False and c.total_incomes)


def new_contact(quipu, **attributes):
    return quipu.create("contacts", RecordInput(attributes={"name": "Talleres Nuevos S.L.", **attributes}))


def test_the_list_shows_every_contact_by_name_with_totals(portal, quipu):
    response = portal.get(connection_reverse(LIST))

    assert row_ids(response) == api_ids(quipu, sort=["name"])
    page = response.content.decode()
    first = quipu.list("contacts", sort=["name"]).records[0]
    assert first.name in page
    assert connection_reverse("contacts:detail", args=[first.id]) in page
    assert 'data-testid="sort-total_unpaid_income"' in page


def test_each_filter_reaches_quipu(portal, quipu):
    sample = contact_with_documents(quipu)
    foreign = new_contact(quipu, country_code="pt", email="compras@lisboa.pt")
    cases = [
        ({"q": sample.name[:5]}, {"q": sample.name[:5]}),
        ({"kind": "supplier"}, {"kind": "supplier"}),
        ({"kind": "employee"}, {"kind": "employee"}),
        ({"tax_id": sample.tax_id}, {"tax_id": sample.tax_id}),
        ({"country": f"ES, {foreign.country_code.upper()}"}, {"country": f"es,{foreign.country_code}"}),
        ({"country": foreign.country_code}, {"country": foreign.country_code}),
    ]
    cases.append(({"email": "Compras@Lisboa.pt"}, {"email": "Compras@Lisboa.pt"}))
    for query, filters in cases:
        expected = api_ids(quipu, filters=filters, sort=["name"])
        assert expected, f"the seed should match {filters}"
        assert row_ids(portal.get(connection_reverse(LIST), query)) == expected, query
    assert sample.id in row_ids(portal.get(connection_reverse(LIST), {"tax_id": sample.tax_id}))


def test_a_filter_mistake_is_explained_and_the_list_still_shows(portal, quipu):
    response = portal.get(connection_reverse(LIST), {"country": "spain", "email": "not-an-email"})

    page = response.content.decode()
    assert "Some filters need fixing" in page
    assert "is not a two-letter country code" in page
    assert row_ids(response) == api_ids(quipu, sort=["name"])


@pytest.mark.parametrize(
    "sort",
    [
        "name",
        "-name",
        "total_paid_income",
        "-total_unpaid_income",
        "total_paid_expenses",
        "-total_unpaid_expenses",
    ],
)
def test_every_sort_reaches_quipu(portal, quipu, sort):
    assert row_ids(portal.get(connection_reverse(LIST), {"sort": sort})) == api_ids(quipu, sort=[sort])


def test_an_htmx_request_swaps_only_the_results(portal):
    response = portal.get(connection_reverse(LIST), {"kind": "client"}, headers=htmx())

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<div id="results"')
    assert response["Vary"].count("HX-Request") == 1


def test_detail_shows_totals_and_the_contacts_documents(portal, quipu):
    contact = contact_with_documents(quipu)
    documents = quipu.list(
        "book_entries", filters={"contact_id": contact.id}, sort=["-issue_date"], page_size=10
    )

    response = portal.get(connection_reverse("contacts:detail", args=[contact.id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert contact.name in page and contact.tax_id in page
    assert 'data-field="total_paid_incomes"' in page
    assert re.findall(r'data-testid="related-row" data-id="([^"]+)"', page) == [
        d.id for d in documents.records
    ]
    assert f"{documents.total_results} document" in page
    assert connection_reverse("book_entries:list") + f"?contact={contact.id}" in page


def test_create_with_every_writable_attribute(portal, quipu):
    response = portal.post(
        connection_reverse("contacts:create"),
        {
            "name": "Transportes Ebro S.L.",
            "tax_id": "B50123456",
            "document_type": "NIF",
            "email": "admin@transportes-ebro.es",
            "phone": "976 123 456",
            "address": "Calle Mayor 3",
            "zip_code": "50001",
            "town": "Zaragoza",
            "country_code": "ES",
            "client_number": "77",
            "supplier_number": "412",
            "employee_number": "",
            "is_supplier_of_direct_goods": "on",
            "bank_account_number": "ES91 2100 0418 4502 0005 1332",
            "bank_account_swift_bic": "CAIXESBBXXX",
            "description": "Pays at 60 days.",
        },
    )

    assert response.status_code == 302
    contact_id = response["Location"].rstrip("/").split("/")[-1]
    saved = quipu.retrieve("contacts", contact_id)
    assert (saved.name, saved.tax_id, saved.document_type, saved.country_code) == (
        "Transportes Ebro S.L.",
        "B50123456",
        "NIF",
        "es",
    )
    assert (saved.client_number, saved.supplier_number) == ("77", "412")
    assert saved.is_supplier_of_direct_goods is True
    assert saved.bank_account_number == "ES91 2100 0418 4502 0005 1332"
    assert saved.bank_account_swift_bic == "CAIXESBBXXX"
    assert saved.description == "Pays at 60 days."
    detail = portal.get(response["Location"])
    assert "Transportes Ebro S.L. created." in detail.content.decode()


def test_edit_changes_what_was_changed_and_keeps_the_rest(portal, quipu):
    contact = new_contact(quipu, tax_id="B99999999", town="Huesca", email="a@b.es")
    url = connection_reverse("contacts:edit", args=[contact.id])
    data = form_data(portal.get(url), "reference-form")
    data["email"] = "facturas@nuevos.es"

    response = portal.post(url, data)

    assert response.status_code == 302
    saved = quipu.retrieve("contacts", contact.id)
    assert (saved.email, saved.tax_id, saved.town) == ("facturas@nuevos.es", "B99999999", "Huesca")


def test_a_422_shows_next_to_the_field_and_keeps_what_was_typed(portal, quipu):
    response = portal.post(
        connection_reverse("contacts:create"),
        {"name": "Banco Malo S.L.", "bank_account_number": "ES00 1234 5678 9999", "town": "Teruel"},
        headers=htmx(),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This Iban is not valid" in field_errors(response, "bank_account_number")
    assert field_errors(response, "name") == ""
    assert 'value="Teruel"' in page and 'value="Banco Malo S.L."' in page
    assert not any(c.name == "Banco Malo S.L." for c in quipu.iterate("contacts"))


def test_a_contact_without_a_name_is_refused_before_reaching_quipu(portal):
    response = portal.post(connection_reverse("contacts:create"), {"name": "", "country_code": "e1"})

    assert response.status_code == 200
    assert "This field is required." in field_errors(response, "name")
    assert "is not a two-letter country code" in field_errors(response, "country_code")


def test_delete_removes_a_contact_without_documents(portal, quipu):
    contact = new_contact(quipu)

    confirm = portal.get(connection_reverse("contacts:delete", args=[contact.id]))
    response = portal.post(connection_reverse("contacts:delete", args=[contact.id]))

    assert "Talleres Nuevos S.L." in confirm.content.decode()
    assert response.status_code == 302 and response["Location"] == connection_reverse(LIST)
    assert contact.id not in [c.id for c in quipu.iterate("contacts")]


def test_deleting_a_contact_with_documents_explains_the_refusal(portal, quipu):
    contact = contact_with_documents(quipu)

    confirm = portal.get(connection_reverse("contacts:delete", args=[contact.id]))
    response = portal.post(connection_reverse("contacts:delete", args=[contact.id]))

    assert 'data-testid="not-deletable"' in confirm.content.decode()
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="delete-refused"' in page
    assert "invoices, tickets or paysheets" in page
    assert quipu.retrieve("contacts", contact.id).name == contact.name


def test_a_new_contact_is_offered_at_once_in_the_invoice_form(portal, quipu):
    portal.get(connection_reverse("invoices:create"))  # fills the contact cache
    portal.post(connection_reverse("contacts:create"), {"name": "Cliente Recién Creado"})

    page = portal.get(connection_reverse("invoices:create")).content.decode()

    assert "Cliente Recién Creado" in page


def test_the_contact_picker_searches_quipu_as_you_type(portal, quipu):
    target = contact_with_documents(quipu)
    other = next(c for c in quipu.iterate("contacts") if c.id != target.id)
    url = connection_reverse("contacts:picker")

    response = portal.get(
        url,
        {"field": "contact", "blank": "Choose a contact", "picker_q": target.name[:6], "contact": other.id},
        headers=htmx(),
    )

    page = response.content.decode()
    expected = {c.id for c in quipu.list("contacts", filters={"q": target.name[:6]}).records}
    assert set(re.findall(r'<option value="(\d+)"', page)) == expected | {other.id}
    assert f'<option value="{other.id}" selected>' in page  # the current choice is never lost
    assert page.startswith('<option value="">Choose a contact</option>')


def test_when_quipu_does_not_answer_the_picker_says_so_and_keeps_the_choice(
    portal, sandbox, quipu_account, quipu
):
    chosen = next(iter(quipu.iterate("contacts")))
    portal.get(
        connection_reverse("invoices:create")
    )  # the form that opened the picker cached the contact names
    sandbox.set_faults(app_id=quipu_account["app_id"], p503=1.0)
    try:
        response = portal.get(
            connection_reverse("contacts:picker"),
            {"field": "contact", "contact": chosen.id, "picker_q": "zz"},
            headers=htmx(),
        )
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{chosen.id}" selected>{chosen.name}</option>' in page
    assert "Quipu did not answer; type again to retry." in page
    assert "<div" not in page  # only options: the answer goes inside a <select>


def test_the_pages_speak_spanish_to_a_spanish_accountant(portal, accountant):
    user_language_set(user=accountant, language="es")

    contacts = portal.get(connection_reverse(LIST)).content.decode()
    invoice_form = portal.get(connection_reverse("invoices:create")).content.decode()

    assert "Ingresos cobrados" in contacts and "Gastos pendientes de pago" in contacts
    assert "Buscar por nombre, NIF o correo" in invoice_form
