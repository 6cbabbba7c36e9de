"""Accounts marked Verifactu: the fields the docs mark REQUIRED FOR VERIFACTU ACCOUNTS."""

import pytest

from .api import Api, errors_by_pointer


@pytest.fixture
def verifactu(sandbox_server) -> Api:
    account = sandbox_server.create_account("Verifactu S.L.", seed="small", verifactu=True)
    return Api.for_account(sandbox_server.base_url, account)


def test_contacts_need_the_verifactu_fields(verifactu):
    response = verifactu.post(
        "/contacts", {"data": {"type": "contacts", "attributes": {"name": "Sin datos"}}}
    )
    assert errors_by_pointer(response) == {
        "/data/attributes/country_code": "Can not be blank.",
        "/data/attributes/tax_id": "Can not be blank.",
        "/data/attributes/document_type": "Can not be blank.",
        "/data/attributes/zip_code": "Can not be blank.",
    }
    complete = {
        "name": "Con datos",
        "country_code": "es",
        "tax_id": "B50999993",
        "document_type": "NIF",
        "zip_code": "50001",
    }
    assert (
        verifactu.post("/contacts", {"data": {"type": "contacts", "attributes": complete}}).status_code == 201
    )


def test_income_items_need_kind_surcharge_and_category(verifactu):
    client = verifactu.all("/contacts", {"filter[kind]": "client", "filter[country]": "es"})[0]["id"]
    category = verifactu.all("/accounting_categories", {"filter[prefix]": "705"})[0]["id"]
    item = {
        "type": "book_entry_items",
        "attributes": {"concept": "Servicio", "unitary_amount": "100", "vat_percent": 21},
    }
    body = {
        "data": {
            "type": "invoices",
            "attributes": {"kind": "income", "issue_date": "2026-06-01"},
            "relationships": {
                "contact": {"data": {"type": "contacts", "id": client}},
                "items": {"data": [item]},
            },
        }
    }
    assert errors_by_pointer(verifactu.post("/invoices", body)) == {
        "/data/relationships/items/data/0/attributes/kind": "Can not be blank.",
        "/data/relationships/items/data/0/attributes/equivalence_surcharge": "Can not be blank.",
        "/data/relationships/items/data/0/relationships/accounting_category": "Can not be blank.",
    }
    item["attributes"].update(kind="current", equivalence_surcharge=False)
    item["relationships"] = {
        "accounting_category": {"data": {"type": "accounting_categories", "id": category}}
    }
    created = verifactu.post("/invoices", body)
    assert created.status_code == 201
    refund = {
        "data": {
            "type": "invoices",
            "relationships": {
                "amended_invoice": {"data": {"type": "invoices", "id": created.json()["data"]["id"]}}
            },
        }
    }
    assert errors_by_pointer(verifactu.post("/invoices", refund)) == {
        "/data/attributes/counter_reason": "Can not be blank."
    }
    refund["data"]["attributes"] = {"counter_reason": "R1"}
    assert verifactu.post("/invoices", refund).status_code == 201


def test_exempt_invoices_to_foreign_clients_need_reasons(verifactu):
    foreign = verifactu.post(
        "/contacts",
        {
            "data": {
                "type": "contacts",
                "attributes": {
                    "name": "Client SARL",
                    "country_code": "fr",
                    "tax_id": "FR123",
                    "document_type": "other",
                    "zip_code": "31000",
                },
            }
        },
    ).json()["data"]["id"]
    category = verifactu.all("/accounting_categories", {"filter[prefix]": "705"})[0]["id"]
    item = {
        "type": "book_entry_items",
        "attributes": {
            "concept": "Export",
            "unitary_amount": "100",
            "vat_percent": 0,
            "kind": "current",
            "equivalence_surcharge": False,
        },
        "relationships": {"accounting_category": {"data": {"type": "accounting_categories", "id": category}}},
    }
    body = {
        "data": {
            "type": "invoices",
            "attributes": {"kind": "income", "issue_date": "2026-06-01"},
            "relationships": {
                "contact": {"data": {"type": "contacts", "id": foreign}},
                "items": {"data": [item]},
            },
        }
    }
    assert errors_by_pointer(verifactu.post("/invoices", body)) == {
        "/data/attributes/collection_type": "Can not be blank.",
        "/data/attributes/exempt_reason": "Can not be blank.",
    }
    body["data"]["attributes"].update(collection_type="none", exempt_reason="R3")
    assert verifactu.post("/invoices", body).status_code == 201


def test_tickets_are_forbidden_on_verifactu_accounts(verifactu, api):
    assert verifactu.get("/tickets").status_code == 403
    assert api.get("/tickets").status_code == 200


def test_regular_accounts_do_not_apply_verifactu_rules(api):
    response = api.post("/contacts", {"data": {"type": "contacts", "attributes": {"name": "Solo nombre"}}})
    assert response.status_code == 201
