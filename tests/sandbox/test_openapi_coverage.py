"""Every attribute, relationship, enum value and include value openapi.yaml defines is served.

Properties marked x-internal (the Aplifisa integration's) are left out: openapi.yaml says they are
present only for owners with that integration, which no sandbox account has.
"""

import re

import pytest

from . import schemas


def properties(name: str, part: str | None = None) -> set[str]:
    """Non-internal property names of a component schema (following allOf and $ref)."""
    spec = schemas.raw_spec()["components"]["schemas"]

    def collect(node) -> dict:
        if "$ref" in node:
            return collect(spec[node["$ref"].rsplit("/", 1)[-1]])
        found = {}
        for sub in node.get("allOf", []):
            found.update(collect(sub))
        found.update(node.get("properties", {}))
        return found

    props = collect(spec[name])
    if part:
        props = collect(props[part])
    return {key for key, value in props.items() if not value.get("x-internal")}


def has_attributes(resource: dict, schema: str) -> None:
    expected = properties(schema) - {"detailed_amounts"}
    missing = expected - set(resource["attributes"])
    assert not missing, f"{resource['type']} {resource['id']} lacks {sorted(missing)}"


def test_document_attributes(demo_api):
    income = demo_api.data("/invoices", params={"filter[kind]": "income"})[0]
    has_attributes(income, "InvoiceAttributes")
    expense = demo_api.data("/invoices", params={"filter[kind]": "expenses"})[0]
    has_attributes_except = properties("InvoiceAttributes") - {
        "detailed_amounts",
        "stage",
        "download_pdf_url",
        "ephemeral_open_download_pdf_url",
    }
    assert has_attributes_except <= set(expense["attributes"])
    has_attributes(
        demo_api.data("/simplified_invoices", params={"filter[kind]": "income"})[0],
        "SimplifiedInvoiceAttributes",
    )
    has_attributes(demo_api.data("/additional_incomes")[0], "AdditionalIncomeAttributes")
    has_attributes(demo_api.data("/paysheets")[0], "PaysheetAttributes")
    for entry in demo_api.data("/book_entries", params={"page[size]": 100}):
        has_attributes(entry, "BookEntryAttributes")


def test_detailed_amounts(demo_api):
    entry = demo_api.data("/book_entries", params={"with_detailed_amounts": ""})[0]
    assert set(entry["attributes"]["detailed_amounts"]) == properties(
        "BookEntryAttributes", "detailed_amounts"
    )
    assert "detailed_amounts" not in demo_api.data("/book_entries")[0]["attributes"]


def test_item_attributes(demo_api):
    body = demo_api.get("/invoices", params={"include": "items"}).json()
    for item in body["included"]:
        assert properties("ItemAttributes") <= set(item["attributes"])


@pytest.mark.parametrize(
    "path,params,schema",
    [
        ("/contacts", {}, "ContactAttributes"),
        ("/numbering_series", {}, "NumberingSeriesAttributes"),
        ("/accounting_categories", {}, "AccountingCategoryAttributes"),
        ("/accounting_subcategories", {}, "AccountingSubcategoryAttributes"),
    ],
)
def test_reference_attributes(demo_api, path, params, schema):
    for record in demo_api.data(path, params=params):
        has_attributes(record, schema)


def test_attachment_and_user_attributes(demo_api):
    attachment_id = next(
        e["relationships"]["attachments"]["data"][0]["id"]
        for e in demo_api.all("/invoices", {"filter[kind]": "expenses"})
        if e["relationships"]["attachments"]["data"]
    )
    attachment = demo_api.data(f"/attachments/{attachment_id}")
    assert properties("AttachmentResource", "attributes") <= set(attachment["attributes"])
    user = demo_api.data("/users/me")
    assert properties("UserResource", "attributes") <= set(user["attributes"])


@pytest.mark.parametrize(
    "path,schema",
    [
        ("/invoices", "InvoiceResource"),
        ("/simplified_invoices", "SimplifiedInvoiceResource"),
        ("/additional_incomes", "AdditionalIncomeResource"),
        ("/paysheets", "PaysheetResource"),
        ("/book_entries", "BookEntryResource"),
        ("/accounting_subcategories", "AccountingSubcategoryResource"),
    ],
)
def test_relationships(demo_api, path, schema):
    expected = properties(schema, "relationships")
    if schema == "BookEntryResource":
        expected -= {"items"}  # paysheets have no items
    for record in demo_api.data(path):
        assert expected <= set(record["relationships"]), (
            f"{record['type']} lacks {expected - set(record['relationships'])}"
        )


INCLUDE_PARAMETERS = {
    "IncludeBookEntry": "/book_entries",
    "IncludeInvoice": "/invoices",
    "IncludeSimplifiedInvoice": "/simplified_invoices",
    "IncludeAdditionalIncome": "/additional_incomes",
    "IncludePaysheet": "/paysheets",
}
RELATIONSHIP_TYPES = {
    "items": "book_entry_items",
    "contact": "contacts",
    "accounting_category": "accounting_categories",
    "accounting_subcategory": "accounting_subcategories",
    "attachments": "attachments",
}


def include_values() -> list[tuple[str, str]]:
    parameters = schemas.raw_spec()["components"]["parameters"]
    out = []
    for name, path in INCLUDE_PARAMETERS.items():
        allowed = parameters[name]["description"].split("Allowed values:")[1].split("Example")[0]
        out += [(path, value) for value in re.findall(r"`(\w+)`", allowed)]
    return out


@pytest.mark.parametrize("path,value", include_values())
def test_every_include_value(demo_api, path, value):
    response = demo_api.get(path, params={"include": value, "page[size]": 100, "sort": "-total_amount"})
    assert response.status_code == 200
    body = response.json()
    linked = {
        (link["type"], link["id"])
        for record in body["data"]
        for link in _links(record["relationships"].get(value, {}).get("data"))
    }
    included = {(r["type"], r["id"]) for r in body.get("included", [])}
    assert linked <= included
    assert {t for t, _ in included} <= {RELATIONSHIP_TYPES[value]}


def _links(data):
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


def test_include_values_reach_records(demo_api):
    body = demo_api.get("/simplified_invoices", params={"include": "attachments,items"}).json()
    assert {r["type"] for r in body["included"]} >= {"book_entry_items"}


def enum_of(schema: str, *path: str) -> list:
    node = schemas.raw_spec()["components"]["schemas"][schema]
    for part in path:
        node = node[part]
    return node["enum"]


@pytest.mark.parametrize(
    "name", ["credit_note_reason", "exempt_reason", "collection_type", "canary_island_special_zone"]
)
def test_writable_invoice_enums_are_accepted(api, name):
    client = api.all("/contacts", {"filter[kind]": "client"})[0]["id"]
    for value in enum_of("InvoiceWritable", "properties", "attributes", "properties", name):
        body = {
            "data": {
                "type": "invoices",
                "attributes": {"kind": "income", "issue_date": "2026-06-01", name: value},
                "relationships": {
                    "contact": {"data": {"type": "contacts", "id": client}},
                    "items": {
                        "data": [{"type": "items", "attributes": {"concept": "x", "unitary_amount": "1"}}]
                    },
                },
            }
        }
        response = api.post("/invoices", body)
        assert response.status_code == 201, (value, response.text)


@pytest.mark.parametrize("name", ["applicable_to", "applies_to"])
def test_numbering_series_enums_are_accepted(api, name):
    for n, value in enumerate(
        enum_of("NumberingSeriesCreateWritable", "properties", "attributes", "properties", name)
    ):
        attributes = {"prefix": f"E{name[:3]}{n}", "applicable_to": "invoices", name: value}
        response = api.post(
            "/numbering_series", {"data": {"type": "numbering_series", "attributes": attributes}}
        )
        assert response.status_code == 201, response.text
        assert response.json()["data"]["attributes"][name] == value


def query_enums() -> list[tuple[str, str, str]]:
    out = []
    for template, item in schemas.raw_spec()["paths"].items():
        operation = item.get("get")
        if not operation or "{id}" in template or item.get("x-internal"):
            continue
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter or parameter.get("x-internal"):
                continue
            for value in parameter.get("schema", {}).get("enum", []):
                out.append((template.replace("/{owner_slug}", ""), parameter["name"], str(value)))
    return out


@pytest.mark.parametrize("path,name,value", query_enums())
def test_every_filter_and_sort_enum_value_is_accepted(demo_api, path, name, value):
    response = demo_api.get(path, params={name: value})
    assert response.status_code == 200, response.text
