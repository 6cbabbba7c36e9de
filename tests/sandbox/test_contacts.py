"""Contacts: filters, sorts, pagination, writes and the deletion refusal."""

from decimal import Decimal

import pytest

from .api import errors_by_pointer

NEW_CONTACT = {
    "data": {
        "type": "contacts",
        "attributes": {
            "name": "Frutas Royo S.L.",
            "tax_id": "B50999993",
            "email": "pedidos@frutasroyo.example",
            "country_code": "ES",
            "client_number": 77,
            "bank_account_number": "ES91 2100 0418 4502 0005 1332",
            "total_paid_incomes": "99999.0",
            "deletable": False,
        },
    }
}


def test_create_returns_201_with_the_contact_and_ignores_read_only_attributes(api):
    response = api.post("/contacts", NEW_CONTACT)
    assert response.status_code == 201
    attributes = response.json()["data"]["attributes"]
    assert attributes["name"] == "Frutas Royo S.L."
    assert attributes["country_code"] == "es"
    assert attributes["client_number"] == "77"
    assert attributes["total_paid_incomes"] == "0.0"
    assert attributes["deletable"] is True
    assert attributes["is_client"] is True
    contact_id = response.json()["data"]["id"]
    assert api.data(f"/contacts/{contact_id}")["attributes"]["email"] == "pedidos@frutasroyo.example"


def test_create_without_name_and_with_bad_iban_gets_422_pointers(api):
    body = {"data": {"type": "contacts", "attributes": {"bank_account_number": "ES00 1234", "email": "nope"}}}
    response = api.post("/contacts", body)
    assert response.status_code == 422
    assert errors_by_pointer(response) == {
        "/data/attributes/name": "Can not be blank.",
        "/data/attributes/bank_account_number": "This Iban is not valid, please contact your bank and provide a new one.",
        "/data/attributes/email": "is not a valid email",
    }


@pytest.mark.parametrize("method", ["patch", "put"])
def test_update_changes_only_the_sent_attributes(api, method):
    contact = api.data("/contacts")[0]
    response = getattr(api, method)(
        f"/contacts/{contact['id']}",
        {"data": {"type": "contacts", "attributes": {"email": "otra@example.com"}}},
    )
    assert response.status_code == 200
    attributes = response.json()["data"]["attributes"]
    assert attributes["email"] == "otra@example.com"
    assert attributes["name"] == contact["attributes"]["name"]


def test_a_contact_with_documents_cannot_be_deleted(api):
    contacts = api.all("/contacts")
    used = next(c for c in contacts if not c["attributes"]["deletable"])
    refused = api.delete(f"/contacts/{used['id']}")
    assert refused.status_code == 403
    assert refused.json() == {"errors": [{"detail": "You are not authorized to access this resource"}]}
    assert api.get(f"/contacts/{used['id']}").status_code == 200
    fresh = api.post("/contacts", NEW_CONTACT).json()["data"]["id"]
    assert api.delete(f"/contacts/{fresh}").status_code == 204
    assert api.get(f"/contacts/{fresh}").status_code == 404


def test_pagination_defaults_to_20_and_honours_page_size(demo_api):
    first = demo_api.get("/contacts").json()
    info = first["meta"]["pagination_info"]
    assert len(first["data"]) == 20
    assert info["current_page"] == 1
    assert info["total_results"] >= 100
    assert info["total_pages"] == -(-info["total_results"] // 20)
    last = demo_api.get("/contacts", params={"page[number]": info["total_pages"]}).json()
    assert len(last["data"]) == info["total_results"] - 20 * (info["total_pages"] - 1)
    assert demo_api.get("/contacts", params={"page[size]": 100}).json()["meta"]["pagination_info"][
        "total_pages"
    ] == (-(-info["total_results"] // 100))
    ids = [c["id"] for c in demo_api.all("/contacts")]
    assert len(ids) == len(set(ids)) == info["total_results"]


@pytest.mark.parametrize("params", [{"page[size]": 101}, {"page[size]": 0}, {"page[number]": "x"}])
def test_bad_pagination_is_400(demo_api, params):
    response = demo_api.get("/contacts", params=params)
    assert response.status_code == 400


def test_filter_q_searches_names_case_insensitively(demo_api):
    found = demo_api.all("/contacts", {"filter[q]": "RECAMBIOS"})
    assert [c["attributes"]["name"] for c in found] == ["Recambios Aragón S.L."]


@pytest.mark.parametrize("kind", ["client", "supplier", "employee"])
def test_filter_kind(demo_api, kind):
    found = demo_api.all("/contacts", {"filter[kind]": kind})
    assert found and all(c["attributes"][f"is_{kind}"] for c in found)
    others = demo_api.all("/contacts")
    assert len(found) == sum(c["attributes"][f"is_{kind}"] for c in others)


def test_filter_tax_id_email_and_country_list(demo_api):
    contacts = demo_api.all("/contacts")
    sample = contacts[5]["attributes"]
    by_tax = demo_api.all("/contacts", {"filter[tax_id]": sample["tax_id"]})
    assert sample["tax_id"] in {c["attributes"]["tax_id"] for c in by_tax}
    by_email = demo_api.all("/contacts", {"filter[email]": sample["email"].upper()})
    assert {c["attributes"]["email"] for c in by_email} == {sample["email"]}
    foreign = demo_api.all("/contacts", {"filter[country]": "fr,PT"})
    expected = [c for c in contacts if c["attributes"]["country_code"] in ("fr", "pt")]
    assert foreign and {c["id"] for c in foreign} == {c["id"] for c in expected}


def test_bad_filter_value_is_400(demo_api):
    response = demo_api.get("/contacts", params={"filter[kind]": "friend"})
    assert response.status_code == 400
    assert "errors" in response.json()


@pytest.mark.parametrize(
    "criterion,attribute",
    [
        ("total_paid_income", "total_paid_incomes"),
        ("total_unpaid_income", "total_unpaid_incomes"),
        ("total_paid_expenses", "total_paid_expenses"),
        ("total_unpaid_expenses", "total_unpaid_expenses"),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_by_totals(demo_api, criterion, attribute, descending):
    sort = f"-{criterion}" if descending else criterion
    values = [Decimal(c["attributes"][attribute]) for c in demo_api.all("/contacts", {"sort": sort})]
    assert values == sorted(values, reverse=descending)
    assert len(set(values)) > 1


def test_sort_by_name_and_several_criteria(demo_api):
    names = [c["attributes"]["name"].lower() for c in demo_api.all("/contacts", {"sort": "name"})]
    assert names == sorted(names)
    rows = demo_api.all("/contacts", {"sort": "-total_unpaid_income,name"})
    keys = [
        (-Decimal(c["attributes"]["total_unpaid_incomes"]), c["attributes"]["name"].lower()) for c in rows
    ]
    assert keys == sorted(keys)


def test_unknown_sort_is_400(demo_api):
    assert demo_api.get("/contacts", params={"sort": "tax_id"}).status_code == 400


def _category(api, prefix: str) -> dict:
    return api.all("/accounting_categories", {"filter[prefix]": prefix})[0]


def _subcategory(api, category: dict, name: str, suffix: str) -> dict:
    body = {
        "data": {
            "type": "accounting_subcategories",
            "attributes": {"name": name, "suffix": suffix},
            "relationships": {
                "accounting_category": {"data": {"type": "accounting_categories", "id": category["id"]}}
            },
        }
    }
    return api.post("/accounting_subcategories", body).json()["data"]


def _link(kind: str, record: dict | None) -> dict:
    return {"data": None if record is None else {"type": kind, "id": record["id"]}}


def _analytic_leaf(api) -> dict:
    return next(c for c in api.all("/analytic_categories") if not c["attributes"]["root"])


def test_the_defaults_for_new_documents_are_stored_and_returned(api):
    income, expense = _category(api, "705"), _category(api, "629")
    income_sub = _subcategory(api, income, "Consultoría", "7")
    analytic = _analytic_leaf(api)
    body = {
        "data": {
            "type": "contacts",
            "attributes": {
                "name": "Ferretería Ansó S.L.",
                "pdf_language": "ca",
                "incomes_due_date": "30",
                "incomes_payment_method": "bank_transfer",
                "expenses_due_date": "60",
                "expenses_payment_method": "direct_debit",
                "equivalence_subcharge": True,
                "contact_analytic_value_ids": f" {analytic['id']} ",
            },
            "relationships": {
                "income_category": _link("accounting_categories", income),
                "income_subcategory": _link("accounting_subcategories", income_sub),
                "expense_category": _link("accounting_categories", expense),
            },
        }
    }

    created = api.post("/contacts", body)

    assert created.status_code == 201
    stored = api.data(f"/contacts/{created.json()['data']['id']}")
    assert {name: stored["attributes"][name] for name in body["data"]["attributes"]} == {
        **body["data"]["attributes"],
        "contact_analytic_value_ids": analytic["id"],
    }
    assert stored["relationships"] == {
        "income_category": _link("accounting_categories", income),
        "income_subcategory": _link("accounting_subcategories", income_sub),
        "expense_category": _link("accounting_categories", expense),
        "expense_subcategory": {"data": None},
    }
    cleared = api.patch(
        f"/contacts/{stored['id']}",
        {
            "data": {
                "type": "contacts",
                "attributes": {"contact_analytic_value_ids": None, "equivalence_subcharge": False},
                "relationships": {
                    "income_category": {"data": None},
                    "income_subcategory": {"data": None},
                },
            }
        },
    ).json()["data"]
    assert cleared["relationships"]["income_category"] == {"data": None}
    assert cleared["relationships"]["expense_category"] == _link("accounting_categories", expense)
    assert cleared["attributes"]["contact_analytic_value_ids"] is None
    assert cleared["attributes"]["equivalence_subcharge"] is False
    assert cleared["attributes"]["pdf_language"] == "ca"


def test_default_categories_must_match_the_side_and_subcategories_their_category(api):
    income, expense = _category(api, "705"), _category(api, "629")
    expense_sub = _subcategory(api, expense, "Mensajería", "4")
    contact = api.data("/contacts")[0]
    body = {
        "data": {
            "type": "contacts",
            "attributes": {
                "incomes_payment_method": "barter",
                "contact_analytic_value_ids": "12,abc",
            },
            "relationships": {
                "income_category": _link("accounting_categories", expense),
                "income_subcategory": {"data": {"type": "accounting_subcategories", "id": "999999"}},
                "expense_category": _link("accounting_categories", income),
                "expense_subcategory": _link("accounting_subcategories", expense_sub),
            },
        }
    }

    response = api.patch(f"/contacts/{contact['id']}", body)

    assert response.status_code == 422
    assert errors_by_pointer(response) == {
        "/data/attributes/incomes_payment_method": "is not included in the list",
        "/data/attributes/contact_analytic_value_ids": "must be analytic category ids separated by commas",
        "/data/relationships/income_category": "must be an income category",
        "/data/relationships/income_subcategory": "does not exist",
        "/data/relationships/expense_category": "must be an expense or asset category",
        "/data/relationships/expense_subcategory": "does not belong to the accounting category",
    }
    unknown = api.patch(
        f"/contacts/{contact['id']}",
        {"data": {"type": "contacts", "attributes": {"contact_analytic_value_ids": "999999"}}},
    )
    assert errors_by_pointer(unknown) == {"/data/attributes/contact_analytic_value_ids": "does not exist"}
    assert api.data(f"/contacts/{contact['id']}")["relationships"]["income_category"] == {"data": None}
