"""A contact's defaults for new documents: categories, payment methods, due dates, surcharge, PDF language
and analytic categories, written to Quipu, shown by name, refused with a message on the right field."""

import re

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.contacts.forms import ContactForm
from quipu_portal.contacts.resource import ContactAdmin
from quipu_portal.quipu.records import RecordInput
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.reference_views import detail_rows
from tests.helpers import form_data, htmx
from tests.reference_pages import created_id, field_errors
from tests.sandbox.api import Api


def category(quipu, prefix: str):
    return quipu.list("accounting_categories", filters={"prefix": prefix}).records[0]


def subcategory(quipu, parent, name: str, suffix: str):
    return quipu.create(
        "accounting_subcategories",
        RecordInput(
            attributes={"name": name, "suffix": suffix}, relationships={"accounting_category": parent.id}
        ),
    )


def analytic_leaf_and_root(quipu):
    records = list(quipu.iterate("analytic_categories"))
    leaf = next(r for r in records if r.parent is not None)
    return leaf, next(r for r in records if r.id == leaf.parent.id)


def detail_value(page: str, name: str) -> str:
    match = re.search(rf'<dd data-field="{name}">(.*?)</dd>', page, re.S)
    assert match, f"no {name} on the detail page"
    return match.group(1).strip()


@pytest.fixture
def defaults(quipu):
    """Everything a contact's defaults can point at, from the sandbox account."""
    income, expense = category(quipu, "705"), category(quipu, "629")
    leaf, root = analytic_leaf_and_root(quipu)
    return {
        "income": income,
        "income_sub": subcategory(quipu, income, "Consultoría", "7"),
        "expense": expense,
        "expense_sub": subcategory(quipu, expense, "Mensajería", "4"),
        "analytic": leaf,
        "analytic_root": root,
    }


def every_default(defaults) -> dict:
    return {
        "income_category": defaults["income"].id,
        "income_subcategory": defaults["income_sub"].id,
        "incomes_payment_method": "bank_transfer",
        "incomes_due_date": "30",
        "equivalence_subcharge": "on",
        "pdf_language": "CA",
        "expense_category": defaults["expense"].id,
        "expense_subcategory": defaults["expense_sub"].id,
        "expenses_payment_method": "direct_debit",
        "expenses_due_date": "60",
        "contact_analytic_value_ids": [defaults["analytic"].id],
    }


def test_create_with_every_default_and_the_detail_names_them(portal, quipu, defaults):
    response = portal.post(
        connection_reverse("contacts:create"), {"name": "Ferretería Ansó S.L.", **every_default(defaults)}
    )

    saved = quipu.retrieve("contacts", created_id(response))
    assert saved.income_category.id == defaults["income"].id
    assert saved.income_subcategory.id == defaults["income_sub"].id
    assert saved.expense_category.id == defaults["expense"].id
    assert saved.expense_subcategory.id == defaults["expense_sub"].id
    assert (saved.incomes_payment_method, saved.incomes_due_date) == ("bank_transfer", "30")
    assert (saved.expenses_payment_method, saved.expenses_due_date) == ("direct_debit", "60")
    assert saved.equivalence_subcharge is True
    assert saved.pdf_language == "ca"
    assert saved.contact_analytic_value_ids == defaults["analytic"].id

    page = portal.get(response["Location"]).content.decode()
    assert detail_value(page, "income_category") == "705 · Prestaciones de servicios"
    assert detail_value(page, "income_subcategory") == "70500007 · Consultoría"
    assert detail_value(page, "expense_category") == "629 · Otros servicios"
    assert detail_value(page, "expense_subcategory") == "62900004 · Mensajería"
    assert detail_value(page, "incomes_payment_method") == "Bank transfer"
    assert detail_value(page, "expenses_payment_method") == "Direct debit"
    assert detail_value(page, "incomes_due_date") == "30"
    assert detail_value(page, "equivalence_subcharge") == "Yes"
    assert detail_value(page, "pdf_language") == "Catalan (ca)"
    assert detail_value(page, "contact_analytic_value_ids") == defaults["analytic"].name
    assert (
        "Defaults for new income documents"
        in portal.get(connection_reverse("contacts:create")).content.decode()
    )


def test_edit_shows_the_defaults_keeps_them_and_clears_what_is_cleared(portal, quipu, defaults):
    created = portal.post(
        connection_reverse("contacts:create"), {"name": "Ferretería Ansó S.L.", **every_default(defaults)}
    )
    contact_id = created_id(created)
    url = connection_reverse("contacts:edit", args=[contact_id])

    data = form_data(portal.get(url), "reference-form")
    assert {name: data.getlist(name) for name in every_default(defaults)} == {
        name: value if isinstance(value, list) else [value.lower() if name == "pdf_language" else value]
        for name, value in every_default(defaults).items()
    }
    data["email"] = "compras@anso.es"
    assert portal.post(url, data).status_code == 302
    kept = quipu.retrieve("contacts", contact_id)
    assert kept.email == "compras@anso.es"
    assert kept.income_subcategory.id == defaults["income_sub"].id
    assert kept.contact_analytic_value_ids == defaults["analytic"].id

    data = form_data(portal.get(url), "reference-form")  # the form as it is now, after the first save
    for name in ("income_category", "income_subcategory", "incomes_payment_method", "pdf_language"):
        data[name] = ""
    data.pop("contact_analytic_value_ids")
    data.pop("equivalence_subcharge")
    assert portal.post(url, data).status_code == 302

    cleared = quipu.retrieve("contacts", contact_id)
    assert (cleared.income_category, cleared.income_subcategory) == (None, None)
    assert not cleared.incomes_payment_method and not cleared.pdf_language
    assert not cleared.contact_analytic_value_ids
    assert cleared.equivalence_subcharge is False
    assert cleared.expense_subcategory.id == defaults["expense_sub"].id
    page = portal.get(connection_reverse("contacts:detail", args=[contact_id])).content.decode()
    assert detail_value(page, "income_category") == '<span class="help">—</span>'


def test_bad_defaults_are_refused_next_to_their_fields(portal, quipu, defaults):
    response = portal.post(
        connection_reverse("contacts:create"),
        {
            "name": "Mal Configurada S.L.",
            "income_category": defaults["expense"].id,
            "expense_category": defaults["expense"].id,
            "expense_subcategory": defaults["income_sub"].id,
            "incomes_payment_method": "barter",
            "pdf_language": "español",
            "contact_analytic_value_ids": [defaults["analytic_root"].id],
        },
        headers=htmx(),
    )

    assert response.status_code == 200
    assert "Choose an income category" in field_errors(response, "income_category")
    assert "belongs to another category" in field_errors(response, "expense_subcategory")
    assert "Select a valid choice" in field_errors(response, "incomes_payment_method")
    assert "is not a language code" in field_errors(response, "pdf_language")
    assert "Top-level analytic categories cannot be chosen" in field_errors(
        response, "contact_analytic_value_ids"
    )
    assert field_errors(response, "expense_category") == ""
    assert not [c for c in quipu.iterate("contacts") if c.name == "Mal Configurada S.L."]

    orphan = portal.post(
        connection_reverse("contacts:create"),
        {"name": "Sin Categoría S.L.", "income_subcategory": defaults["income_sub"].id},
    )
    assert "Choose its category too" in field_errors(orphan, "income_subcategory")


def test_quipus_refusal_of_a_default_lands_on_its_field(portal, quipu, quipu_account, sandbox, defaults):
    contact = quipu.create("contacts", RecordInput(attributes={"name": "Talleres Nuevos S.L."}))
    url = connection_reverse("contacts:edit", args=[contact.id])
    data = form_data(portal.get(url), "reference-form")  # the portal caches the subcategories
    # Someone deletes the subcategory in Quipu itself, so the portal's cache still offers it.
    another_user = Api.for_account(sandbox.base_url, quipu_account)
    assert another_user.delete(f"/accounting_subcategories/{defaults['income_sub'].id}").status_code == 204
    data["income_category"] = defaults["income"].id
    data["income_subcategory"] = defaults["income_sub"].id

    response = portal.post(url, data, headers=htmx())

    assert response.status_code == 200
    assert "does not exist" in field_errors(response, "income_subcategory")
    assert quipu.retrieve("contacts", contact.id).income_category is None


def test_an_edit_never_erases_defaults_quipu_did_not_send(portal, quipu, defaults):
    """openapi.yaml lists these as writable but not among the attributes Quipu returns."""
    contact = quipu.create(
        "contacts",
        RecordInput(
            attributes={"name": "Talleres Nuevos S.L.", "pdf_language": "eu", "incomes_due_date": "45"},
            relationships={"income_category": defaults["income"].id},
        ),
    )
    as_if_not_sent = type(contact)(
        id=contact.id,
        type=contact.type,
        name=contact.name,
        raw_attributes={"name": contact.name},
        raw_relationships={},
    )
    data = {**ContactForm.initial_from(as_if_not_sent), "name": "Talleres Renovados S.L."}
    form = ContactForm(
        data,
        initial=ContactForm.initial_from(as_if_not_sent),
        refdata=reference_data(quipu),
        record=as_if_not_sent,
    )

    assert form.is_valid(), form.errors
    sent = form.api_input()
    assert sent.attributes == {"name": "Talleres Renovados S.L."}
    assert sent.relationships == {}
    rows = {row["name"]: row for row in detail_rows(ContactAdmin, as_if_not_sent, reference_data(quipu))}
    assert rows["pdf_language"]["not_sent"] and rows["income_category"]["not_sent"]
    detail = portal.get(connection_reverse("contacts:detail", args=[contact.id])).content.decode()
    assert "Not sent by Quipu" not in detail  # the sandbox sends them all
