"""Replays every request example of the Markdown reference against the sandbox.

Each example runs on a fresh account. The ids in the examples do not exist there, so each one is
swapped for a real record of the same type (a new one when the example deletes or amends it). Every
response is also checked against openapi.yaml by the Api client. Where the examples themselves are
wrong, the correction is listed here, in DOC_FIXES, and nowhere else.
"""

import io
import json
import re

import pytest
from PIL import Image

from .api import Api, check_response, errors_by_pointer
from .doc_examples import Example, example_data_is_list, example_keys, example_types, load_examples

EXAMPLES = load_examples()

VALID_IBAN = "ES91 2100 0418 4502 0005 1332"
# Typos and mistakes in the examples, and what the replay does about them.
DOC_FIXES = {
    "contacts.md:324": (
        "path /contacs/ is a typo of /contacts/",
        lambda e: _path(e, "/contacs/", "/contacts/"),
    ),
    "numbering_series.md:120": (
        "the update example has no -X PATCH, so curl would POST",
        lambda e: _method(e, "PATCH"),
    ),
}
# Examples whose verbatim replay is expected to fail, and why.
EXPECTED_FAILURES = {
    "contacts.md:179": (
        422,
        "/data/attributes/bank_account_number",
        "the docs' example IBAN fails the mod-97 check",
    ),
    "contacts.md:266": (
        422,
        "/data/attributes/bank_account_number",
        "the docs' example IBAN fails the mod-97 check",
    ),
}
# Documented statuses BEHAVIOUR.md overrides ("create -> 201").
STATUS_OVERRIDES = {"contacts.md:179": 201}
# Keys shown in example responses that are typos of keys the sandbox sends.
KEY_TYPOS = {"filling_number": "filing_number"}
# Example responses whose top-level data has the wrong container (GET of one record shown as a list).
DATA_SHAPE_TYPOS = {"accounting_categories.md:100"}

RESOURCE_PATHS = {
    "contacts",
    "invoices",
    "tickets",
    "simplified_invoices",
    "additional_incomes",
    "additional_income",
    "paysheets",
    "numbering_series",
    "accounting_categories",
    "accounting_subcategories",
    "attachments",
}


def _path(example: Example, old: str, new: str) -> Example:
    example.path = example.path.replace(old, new)
    return example


def _method(example: Example, method: str) -> Example:
    example.method = method
    return example


def expected_status(example: Example) -> int:
    if example.path == "/oauth/token":
        return 200
    return {"GET": 200, "POST": 201, "PATCH": 200, "PUT": 200, "DELETE": 204}[example.method]


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(out, format="JPEG")
    return out.getvalue()


class Replay:
    """Maps the example's ids to records of a fresh account, creating records where needed."""

    def __init__(self, api: Api):
        self.api = api
        self.counter = 0

    def first(self, path, params=None, predicate=lambda r: True) -> dict:
        return next(r for r in self.api.all(path, params) if predicate(r))

    def existing(self, kind: str) -> str:
        if kind == "contacts":
            return self.first("/contacts", {"filter[kind]": "client"})["id"]
        if kind == "invoices":
            return self.first(
                "/invoices",
                {"filter[kind]": "income"},
                lambda r: (
                    not r["relationships"]["amended_invoice"]["data"]
                    and not r["relationships"]["amending_invoices"]["data"]
                ),
            )["id"]
        if kind in ("tickets", "simplified_invoices"):
            return self.first("/simplified_invoices", {"filter[kind]": "income"})["id"]
        if kind in ("additional_incomes", "additional_income"):
            return self.first("/additional_incomes")["id"]
        if kind == "paysheets":
            return self.first("/paysheets")["id"]
        if kind == "numbering_series":
            return self.first("/numbering_series")["id"]
        if kind == "accounting_categories":
            return self.first("/accounting_categories", {"filter[prefix]": "705"})["id"]
        if kind == "accounting_subcategories":
            return self.first("/accounting_subcategories")["id"]
        return self.fresh(kind)

    def fresh(self, kind: str) -> str:
        self.counter += 1
        api = self.api
        item = {
            "type": "book_entry_items",
            "attributes": {"concept": "Réplica", "unitary_amount": "10", "vat_percent": 21},
        }
        if kind == "contacts":
            body = {"data": {"type": "contacts", "attributes": {"name": f"Réplica {self.counter}"}}}
            return api.post("/contacts", body).json()["data"]["id"]
        if kind == "invoices":
            body = {
                "data": {
                    "type": "invoices",
                    "attributes": {"kind": "income", "issue_date": "2026-01-15"},
                    "relationships": {
                        "contact": {"data": {"type": "contacts", "id": self.existing("contacts")}},
                        "items": {"data": [item]},
                    },
                }
            }
            return api.post("/invoices", body).json()["data"]["id"]
        if kind in ("tickets", "simplified_invoices", "additional_incomes", "additional_income"):
            path = "/additional_incomes" if kind.startswith("additional") else "/simplified_invoices"
            body = {
                "data": {
                    "type": path.strip("/"),
                    "attributes": {"kind": "income", "issue_date": "2026-01-15", "recipient_name": "Réplica"},
                    "relationships": {"items": {"data": [item]}},
                }
            }
            return api.post(path, body).json()["data"]["id"]
        if kind == "paysheets":
            employee = self.first("/contacts", {"filter[kind]": "employee"})["id"]
            body = {
                "data": {
                    "type": "paysheets",
                    "attributes": {"issue_date": "2026-01-31", "net_pay": "1000"},
                    "relationships": {"contact": {"data": {"type": "contacts", "id": employee}}},
                }
            }
            return api.post("/paysheets", body).json()["data"]["id"]
        if kind == "numbering_series":
            body = {
                "data": {
                    "type": "numbering_series",
                    "attributes": {"prefix": f"RPL{self.counter}", "applicable_to": "invoices"},
                }
            }
            return api.post("/numbering_series", body).json()["data"]["id"]
        if kind == "accounting_subcategories":
            category = self.first("/accounting_categories", {"filter[prefix]": "629"})["id"]
            body = {
                "data": {
                    "type": "accounting_subcategories",
                    "attributes": {"name": "Réplica", "suffix": str(70 + self.counter)},
                    "relationships": {
                        "accounting_category": {"data": {"type": "accounting_categories", "id": category}}
                    },
                }
            }
            return api.post("/accounting_subcategories", body).json()["data"]["id"]
        if kind == "attachments":
            entry = self.first("/invoices", {"filter[kind]": "expenses"})["id"]
            response = api.post(
                "/attachments",
                files={"file": ("scan.jpg", jpeg_bytes(), "image/jpeg")},
                data={"book_entry_id": entry},
            )
            return response.json()["data"]["id"]
        raise AssertionError(f"no way to create {kind}")

    def items_of(self, path: str) -> list[str]:
        relationships = self.api.data(path).get("relationships", {})
        return [i["id"] for i in relationships.get("items", {}).get("data", [])]

    def swap(self, node, kind_of_path: str | None, real_path: str | None, path_id: str | None):
        """Replace the example ids in a request body, keeping each id's JSON type (int or string)."""
        items = (
            iter(self.items_of(real_path))
            if real_path and path_id and "items" in json.dumps(node)
            else iter(())
        )
        subcategory_category: dict[str, str] = {}

        def real_id(value, real):
            return int(real) if isinstance(value, int) else real

        def walk(value, key=None):
            if isinstance(value, list):
                return [walk(v, key) for v in value]
            if not isinstance(value, dict):
                return value
            out = {k: walk(v, k) for k, v in value.items()}
            kind = out.get("type")
            if "id" in out and kind == "book_entry_items":
                out["id"] = real_id(value["id"], next(items))
            elif "id" in out and key == "data" and kind in RESOURCE_PATHS:
                if kind == "accounting_subcategories":
                    real = self.existing(kind)
                    subcategory_category[real] = self.api.data(f"/accounting_subcategories/{real}")[
                        "relationships"
                    ]["accounting_category"]["data"]["id"]
                elif (
                    kind in ("invoices", "simplified_invoices", "tickets")
                    and key == "data"
                    and path_id is None
                ):
                    real = self.fresh(kind)  # the document a credit note amends
                else:
                    real = self.existing(kind)
                out["id"] = real_id(value["id"], real)
            if "accounting_subcategory" in out and "accounting_category" in out:
                sub = (out["accounting_subcategory"].get("data") or {}).get("id")
                if sub is not None and str(sub) in subcategory_category:
                    category = out["accounting_category"]["data"]
                    category["id"] = real_id(category["id"], subcategory_category[str(sub)])
            return out

        swapped = walk(node)
        data = swapped.get("data", {})
        if path_id and isinstance(data, dict) and "id" in data:
            data["id"] = real_id(data["id"], path_id)
        return swapped


def replay(sandbox_server, example: Example):
    account = sandbox_server.create_account("Réplica S.L.", seed="small")
    api = Api.for_account(sandbox_server.base_url, account)
    if example.path == "/oauth/token":
        response = api.session.post(
            f"{api.base_url}/oauth/token",
            auth=(api.app_id, api.app_secret),
            data=example.form,
            headers={"Content-Type": example.content_type or "application/x-www-form-urlencoded"},
            timeout=30,
        )
        check_response("POST", "/oauth/token", response)
        return api, response
    mapper = Replay(api)
    segments = example.path.strip("/").split("/")
    resource = segments[0]
    path_id = None
    if len(segments) > 1:
        path_id = (
            mapper.fresh(resource)
            if example.method == "DELETE" or resource == "attachments"
            else mapper.existing(resource)
        )
        segments[1] = path_id
    path = "/" + "/".join(segments)
    if example.files:
        entry = mapper.first("/invoices", {"filter[kind]": "expenses"})["id"]
        response = api.post(
            path,
            files={name: ("file.jpg", jpeg_bytes(), "image/jpeg") for name in example.files},
            data={**example.form, "book_entry_id": entry},
        )
        return api, response
    body = None
    if example.body is not None:
        body = mapper.swap(example.body, resource, path if path_id else None, path_id)
    return api, api.request(example.method, path, body=body)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_doc_example(sandbox_server, example):
    source = example.source
    if source in DOC_FIXES:
        DOC_FIXES[source][1](example)
    api, response = replay(sandbox_server, example)
    if source in EXPECTED_FAILURES:
        status, pointer, _reason = EXPECTED_FAILURES[source]
        assert response.status_code == status, response.text
        assert pointer in errors_by_pointer(response)
        return
    assert response.status_code == expected_status(example), response.text
    if example.documented_status is not None and example.documented_status < 400:
        assert response.status_code == STATUS_OVERRIDES.get(source, example.documented_status)
    if example.response and response.status_code != 204:
        compare_shape(api, example, response.json())


def compare_shape(api: Api, example: Example, ours: dict) -> None:
    text = example.response
    keys = {KEY_TYPOS.get(k, k) for k in example_keys(text)}
    missing = keys - all_keys(ours)
    assert not missing, f"keys of the example missing from the response: {sorted(missing)}"
    if "data" in ours and example.source not in DATA_SHAPE_TYPOS:
        assert example_data_is_list(text) == isinstance(ours["data"], list)
    types_seen = all_types(ours)
    if isinstance(ours.get("data"), list) and "meta" in ours:
        types_seen |= {r["type"] for r in api.all(example.path.split("?")[0])}
    assert example_types(text) <= types_seen


def all_keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | set().union(*(all_keys(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(all_keys(v) for v in node)) if node else set()
    return set()


def all_types(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["type"]} if isinstance(node.get("type"), str) else set()
        return found | set().union(*(all_types(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(all_types(v) for v in node)) if node else set()
    return set()


@pytest.mark.parametrize("source", sorted(EXPECTED_FAILURES))
def test_examples_with_a_valid_iban_succeed(sandbox_server, source):
    example = next(e for e in EXAMPLES if e.source == source)
    fixed = json.loads(json.dumps(example.body).replace("ES92 3821 0601 2314 3339 5656", VALID_IBAN))
    example = Example(example.source, example.method, example.path, fixed, response=example.response)
    api, response = replay(sandbox_server, example)
    assert response.status_code == STATUS_OVERRIDES.get(source, expected_status(example)), response.text
    compare_shape(api, example, response.json())


def test_every_example_was_found():
    sources = {e.source.split(":")[0] for e in EXAMPLES}
    assert len(EXAMPLES) >= 49
    assert sources >= {
        "accounting_categories.md",
        "accounting_subcategories.md",
        "additional_income.md",
        "attachments.md",
        "contacts.md",
        "index.md",
        "invoices.md",
        "invoices_tickets_and_paysheets.md",
        "numbering_series.md",
        "paysheets.md",
        "simplified_invoices.md",
        "tickets.md",
    }
    assert all(re.match(r"^/[a-z_]", e.path) for e in EXAMPLES)
