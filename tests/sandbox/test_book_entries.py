"""GET /book_entries and the document lists: every filter, every sort, pagination and include."""

from datetime import date
from decimal import Decimal

import pytest

from .api import Api

TYPES = {"invoices", "tickets", "simplified_invoices", "additional_incomes", "paysheets"}


@pytest.fixture(scope="module")
def entries(demo_api) -> list[dict]:
    return demo_api.all("/book_entries")


def test_demo_company_has_three_years_of_every_type(entries):
    assert len(entries) >= 1000
    assert {e["type"] for e in entries} == TYPES
    assert {e["attributes"]["issue_date"][:4] for e in entries} == {"2024", "2025", "2026"}
    statuses = {e["attributes"]["payment_status"] for e in entries}
    assert statuses == {"paid", "unpaid"}
    amended = [
        e for e in entries if e["type"] == "invoices" and e["relationships"]["amended_invoice"]["data"]
    ]
    assert len(amended) >= 5


def test_demo_company_uses_several_vat_and_retention_rates(demo_api):
    body = demo_api.get(
        "/invoices", params={"include": "items", "page[size]": 100, "sort": "-total_amount"}
    ).json()
    items = [i["attributes"] for i in body["included"]]
    assert {i["vat_percent"] for i in items} >= {"21.0", "10.0", "4.0"}
    assert {i["retention_percent"] for i in items} >= {"0.0", "19.0"}


def test_default_order_is_newest_first(demo_api):
    dates = [
        e["attributes"]["issue_date"] for e in demo_api.data("/book_entries", params={"page[size]": 100})
    ]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("invoices", {"invoices"}),
        ("tickets", {"tickets"}),
        ("simplified_invoices", {"simplified_invoices"}),
        ("additional_income", {"additional_incomes"}),
        ("additional_incomes", {"additional_incomes"}),
        ("paysheets", {"paysheets"}),
    ],
)
def test_filter_type(demo_api, entries, value, expected):
    found = demo_api.all("/book_entries", {"filter[type]": value})
    assert {e["type"] for e in found} == expected
    assert len(found) == sum(e["type"] in expected for e in entries)


@pytest.mark.parametrize("kind", ["income", "expenses"])
def test_filter_kind(demo_api, entries, kind):
    found = demo_api.all("/book_entries", {"filter[kind]": kind})
    assert found and {e["attributes"]["kind"] for e in found} == {kind}
    assert len(found) == sum(e["attributes"]["kind"] == kind for e in entries)


@pytest.mark.parametrize(
    "period,first,last",
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-2", "2025-02-01", "2025-02-28"),
        ("2025-02", "2025-02-01", "2025-02-28"),
        ("2025-Q1", "2025-01-01", "2025-03-31"),
        ("2024Q4", "2024-10-01", "2024-12-31"),
        ("1Q-2025", "2025-01-01", "2025-03-31"),
    ],
)
def test_filter_period(demo_api, entries, period, first, last):
    found = demo_api.all("/book_entries", {"filter[period]": period})
    expected = [e for e in entries if first <= e["attributes"]["issue_date"] <= last]
    assert found and {e["id"] for e in found} == {e["id"] for e in expected}


def test_filter_period_from_to(demo_api, entries):
    params = {"filter[period][from]": "2025-04-03", "filter[period][to]": "2025-07-14"}
    found = demo_api.all("/book_entries", params)
    expected = [e for e in entries if "2025-04-03" <= e["attributes"]["issue_date"] <= "2025-07-14"]
    assert found and {e["id"] for e in found} == {e["id"] for e in expected}
    raw = demo_api.get("/book_entries?filter[period][from]=2025-04-03&filter[period][to]=2025-07-14")
    assert raw.json()["meta"]["pagination_info"]["total_results"] == len(expected)


@pytest.mark.parametrize(
    "params",
    [
        {"filter[period]": "2025-13"},
        {"filter[period]": "2025-Q5"},
        {"filter[period]": "last year"},
        {"filter[period][from]": "2024-01-01", "filter[period][to]": "2025-01-01"},
        {"filter[period][from]": "2025-05-01", "filter[period][to]": "2025-04-01"},
        {"filter[period][from]": "2025-05-01"},
        {"filter[type]": "budgets"},
        {"filter[kind]": "both"},
        {"filter[payment_status]": "late"},
        {"filter[contact_id]": "abc"},
        {"filter[field_query][field]": "colour", "filter[field_query][term]": "red"},
    ],
)
def test_bad_filter_values_are_400_not_500(demo_api, params):
    response = demo_api.get("/book_entries", params=params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"]


def test_filter_payment_status(demo_api, entries):
    today = date.today().isoformat()
    paid = demo_api.all("/book_entries", {"filter[payment_status]": "paid"})
    unpaid = demo_api.all("/book_entries", {"filter[payment_status]": "unpaid"})
    due = demo_api.all("/book_entries", {"filter[payment_status]": "due"})
    pending = demo_api.all("/book_entries", {"filter[payment_status]": "pending"})
    assert {e["attributes"]["payment_status"] for e in paid} == {"paid"}
    assert {e["attributes"]["payment_status"] for e in unpaid} == {"unpaid"}
    assert len(paid) + len(unpaid) == len(entries)
    assert {e["id"] for e in due} | {e["id"] for e in pending} == {e["id"] for e in unpaid}
    assert not {e["id"] for e in due} & {e["id"] for e in pending}
    for entry in due:
        attributes = entry["attributes"]
        assert (attributes["due_dates"] or [attributes["issue_date"]])[0] < today


def test_filter_contact_id(demo_api, entries):
    contact_id = next(e["relationships"]["contact"]["data"]["id"] for e in entries if e["type"] == "invoices")
    found = demo_api.all("/book_entries", {"filter[contact_id]": contact_id})
    assert found and {e["relationships"]["contact"]["data"]["id"] for e in found} == {contact_id}


def test_filter_q_searches_number_counterpart_concepts_and_tags(demo_api):
    by_concept = demo_api.all("/invoices", {"filter[q]": "embrague", "include": "items"})
    assert by_concept
    for invoice in by_concept:
        assert any("embrague" in c.lower() for c in invoice["attributes"]["concepts"])
    by_number = demo_api.all("/book_entries", {"filter[q]": "F-101"})
    assert any(e["attributes"]["number"] == "F-101" for e in by_number)


@pytest.mark.parametrize(
    "field,term,check",
    [
        ("contact", "recambios", lambda e: "recambios" in e["attributes"]["issuing_name"].lower()),
        ("concept", "batería", lambda e: any("batería" in c.lower() for c in e["attributes"]["concepts"])),
        ("number", "R-", lambda e: "r-" in e["attributes"]["number"].lower()),
        ("label", "flota", lambda e: "flota" in e["attributes"]["tags"]),
        ("user", "javier", lambda e: True),
    ],
)
def test_filter_field_query(demo_api, field, term, check):
    params = {"filter[field_query][field]": field, "filter[field_query][term]": term}
    found = demo_api.all("/book_entries", params)
    assert found and all(check(e) for e in found)


def test_filter_validation_status(demo_api):
    found = demo_api.all("/book_entries", {"filter[validation_status]": "pending"})
    assert found and {e["attributes"]["validation_status"] for e in found} == {"pending"}


SORT_KEYS = {
    "issue_date": lambda e: e["attributes"]["issue_date"],
    "total_amount": lambda e: Decimal(e["attributes"]["total_amount"]),
    "total_amount_without_taxes": lambda e: Decimal(e["attributes"]["total_amount_without_taxes"]),
    "counterpart_name": lambda e: (
        e["attributes"]["recipient_name"]
        if e["attributes"]["kind"] == "income" or e["type"] == "paysheets"
        else e["attributes"]["issuing_name"]
    ).lower(),
}


@pytest.mark.parametrize("criterion", sorted(SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_sorts(demo_api, criterion, descending):
    sort = f"-{criterion}" if descending else criterion
    found = demo_api.all("/book_entries", {"sort": sort, "filter[period]": "2025-Q2"})
    values = [SORT_KEYS[criterion](e) for e in found]
    assert len(found) > 50
    assert values == sorted(values, reverse=descending)


def test_sort_by_number_is_natural(demo_api):
    found = demo_api.all("/invoices", {"sort": "number", "filter[kind]": "income", "filter[period]": "2025"})
    numbers = [e["attributes"]["number"] for e in found]
    plain = [n for n in numbers if n.startswith("F-")]
    assert [int(n[2:]) for n in plain] == sorted(int(n[2:]) for n in plain)
    descending = demo_api.all(
        "/invoices", {"sort": "-number", "filter[kind]": "income", "filter[period]": "2025"}
    )
    assert [e["attributes"]["number"] for e in descending] == numbers[::-1]


def test_several_sort_criteria(demo_api):
    found = demo_api.all("/book_entries", {"sort": "-issue_date,total_amount", "filter[period]": "2025-03"})
    keys = [(e["attributes"]["issue_date"], -Decimal(e["attributes"]["total_amount"])) for e in found]
    assert keys == sorted(keys, reverse=True)


def test_unknown_sort_is_400(demo_api):
    assert demo_api.get("/book_entries", params={"sort": "-issued_at"}).status_code == 400


def test_pagination_of_book_entries(demo_api, entries):
    page = demo_api.get("/book_entries", params={"page[number]": 3}).json()
    assert len(page["data"]) == 20
    assert page["meta"]["pagination_info"] == {
        "total_pages": -(-len(entries) // 20),
        "current_page": 3,
        "total_results": len(entries),
    }
    assert [e["id"] for e in page["data"]] == [e["id"] for e in entries[40:60]]
    beyond = demo_api.get("/book_entries", params={"page[number]": 10_000}).json()
    assert beyond["data"] == []


def test_include_items_adds_every_item_with_its_attributes_and_categories(demo_api):
    body = demo_api.get("/invoices", params={"include": "items", "filter[kind]": "income"}).json()
    linked = {(i["type"], i["id"]) for e in body["data"] for i in e["relationships"]["items"]["data"]}
    included = {(i["type"], i["id"]): i for i in body["included"]}
    assert linked == set(included)
    item = next(iter(included.values()))
    assert item["type"] == "book_entry_items"
    for name in (
        "concept",
        "unitary_amount",
        "quantity",
        "vat_percent",
        "retention_percent",
        "vat_amount",
        "retention_amount",
        "total_amount",
        "discount_percent",
        "kind",
        "description",
    ):
        assert name in item["attributes"]
    assert set(item["relationships"]) == {"accounting_category", "accounting_subcategory"}


def test_without_include_there_is_no_included_member(demo_api):
    assert "included" not in demo_api.get("/invoices").json()


def test_include_contact_categories_and_nested_item_categories(demo_api):
    params = {"include": "contact,accounting_category,items.accounting_category", "filter[kind]": "income"}
    body = demo_api.get("/invoices", params=params).json()
    types = {i["type"] for i in body["included"]}
    assert types == {"contacts", "accounting_categories"}
    contact_ids = {e["relationships"]["contact"]["data"]["id"] for e in body["data"]}
    assert contact_ids <= {i["id"] for i in body["included"] if i["type"] == "contacts"}


def test_unknown_include_is_400(demo_api):
    assert demo_api.get("/invoices", params={"include": "owner"}).status_code == 400
    assert demo_api.get("/paysheets", params={"include": "items"}).status_code == 400


@pytest.mark.parametrize(
    "path,types",
    [
        ("/invoices", {"invoices"}),
        ("/simplified_invoices", {"simplified_invoices"}),
        ("/additional_incomes", {"additional_incomes"}),
        ("/additional_income", {"additional_incomes"}),
        ("/paysheets", {"paysheets"}),
        ("/tickets", {"tickets"}),
    ],
)
def test_each_document_list_and_its_filters(demo_api, path, types):
    body = demo_api.get(path, params={"filter[period]": "2024", "sort": "-total_amount"}).json()
    assert body["data"] and {e["type"] for e in body["data"]} == types
    assert all(e["attributes"]["issue_date"].startswith("2024") for e in body["data"])
    totals = [Decimal(e["attributes"]["total_amount"]) for e in body["data"]]
    assert totals == sorted(totals, reverse=True)


def test_slug_prefixed_lists(demo_api):
    prefixed = demo_api.get("/talleres-ebro/book_entries").json()
    root = demo_api.get("/book_entries").json()
    assert [(e["type"], e["id"]) for e in prefixed["data"]] == [(e["type"], e["id"]) for e in root["data"]]
    assert prefixed["meta"] == root["meta"]


def test_brackets_may_arrive_raw_or_percent_encoded(demo_api):
    raw = demo_api.get("/book_entries?filter[kind]=income&page[number]=2").json()
    encoded = demo_api.get("/book_entries?filter%5Bkind%5D=income&page%5Bnumber%5D=2").json()
    assert [e["id"] for e in raw["data"]] == [e["id"] for e in encoded["data"]]
    assert raw["meta"] == encoded["meta"] and raw["meta"]["pagination_info"]["current_page"] == 2


def test_freelancer_demo_account(sandbox_server):
    account = next(a for a in sandbox_server.accounts() if a["app_id"] == "demo-freelancer-app-id")
    client = Api.for_account(sandbox_server.base_url, account)
    entries = client.all("/book_entries")
    assert {e["type"] for e in entries} == TYPES
    assert client.get("/contacts").json()["meta"]["pagination_info"]["total_results"] >= 100
    retained = client.all("/invoices", {"filter[kind]": "income", "include": "items"})
    assert any(Decimal(e["attributes"]["retention_amount"]) > 0 for e in retained)
