"""Numbering series, accounting categories and subcategories, analytic categories and users."""

import pytest

from .api import errors_by_pointer


def series_body(**attributes):
    return {"data": {"type": "numbering_series", "attributes": attributes}}


def test_numbering_series_create_requires_prefix_and_applicable_to(api):
    response = api.post("/numbering_series", series_body(default=True))
    assert response.status_code == 422
    assert errors_by_pointer(response) == {
        "/data/attributes/prefix": "Can not be blank.",
        "/data/attributes/applicable_to": "Can not be blank.",
    }
    created = api.post(
        "/numbering_series", series_body(prefix="AIT", applicable_to="invoices", amending=False)
    )
    assert created.status_code == 201
    assert created.json()["data"]["attributes"] == {
        "prefix": "AIT",
        "default": False,
        "amending": False,
        "applicable_to": "invoices",
        "applies_to": "new_documents",
        "is_valid": True,
        "deletable": True,
    }
    duplicate = api.post("/numbering_series", series_body(prefix="ait", applicable_to="tickets"))
    assert errors_by_pointer(duplicate) == {"/data/attributes/prefix": "has already been taken"}


def test_numbering_series_prefix_cannot_change_and_default_is_exclusive(api):
    series = api.post("/numbering_series", series_body(prefix="X1", applicable_to="invoices")).json()["data"]
    renamed = api.patch(f"/numbering_series/{series['id']}", series_body(prefix="X2"))
    assert errors_by_pointer(renamed) == {"/data/attributes/prefix": "can not be changed"}
    made_default = api.patch(f"/numbering_series/{series['id']}", series_body(default=True))
    assert made_default.status_code == 200
    defaults = api.all(
        "/numbering_series", {"filter[applicable_to]": "invoices", "filter[amending]": "false"}
    )
    assert [s["id"] for s in defaults if s["attributes"]["default"]] == [series["id"]]


def test_a_numbering_series_in_use_cannot_be_deleted(api):
    used = next(s for s in api.all("/numbering_series") if not s["attributes"]["deletable"])
    assert api.delete(f"/numbering_series/{used['id']}").status_code == 403
    free = api.post("/numbering_series", series_body(prefix="Z", applicable_to="tickets")).json()["data"]
    assert api.delete(f"/numbering_series/{free['id']}").status_code == 204


def test_numbering_series_filters(demo_api):
    every = demo_api.all("/numbering_series")
    assert [
        s["attributes"]["prefix"] for s in demo_api.all("/numbering_series", {"filter[prefix]": "tr"})
    ] == ["TR"]
    assert {
        s["attributes"]["prefix"] for s in demo_api.all("/numbering_series", {"filter[prefix]": "R"})
    } == {
        "R",
        "TR",
        "PRE",
    }
    invoices = demo_api.all("/numbering_series", {"filter[applicable_to]": "invoices"})
    assert {s["attributes"]["applicable_to"] for s in invoices} == {"invoices"}
    amending = demo_api.all("/numbering_series", {"filter[amending]": "true"})
    assert amending and all(s["attributes"]["amending"] for s in amending)
    not_amending = demo_api.all("/numbering_series", {"filter[amending]": "false"})
    assert len(amending) + len(not_amending) == len(every)
    new_docs = demo_api.all("/numbering_series", {"filter[applies_to]": "new_documents"})
    assert len(new_docs) == len(every)
    for bad in ({"filter[amending]": "maybe"}, {"filter[applicable_to]": "receipts"}):
        assert demo_api.get("/numbering_series", params=bad).status_code == 400


def test_accounting_categories_are_real_pgc_accounts_and_read_only(demo_api):
    sales = demo_api.all("/accounting_categories", {"filter[prefix]": "700,705"})
    assert [(c["attributes"]["prefix"], c["attributes"]["name"]) for c in sales] == [
        (700, "Ventas de mercaderías"),
        (705, "Prestaciones de servicios"),
    ]
    assert all(c["attributes"]["kind"] == "income" for c in sales)
    assert all(c["attributes"]["accounting_digits_number"] == 8 for c in sales)
    category_id = sales[0]["id"]
    assert demo_api.data(f"/accounting_categories/{category_id}")["attributes"]["prefix"] == 700
    body = {"data": {"type": "accounting_categories", "attributes": {"name": "x"}}}
    assert demo_api.post("/accounting_categories", body).status_code == 404
    assert demo_api.patch(f"/accounting_categories/{category_id}", body).status_code == 404


@pytest.mark.parametrize("kind", ["income", "expenses", "assets", "capital", "financial", "creditor_debitor"])
def test_accounting_categories_filter_kind(demo_api, kind):
    found = demo_api.all("/accounting_categories", {"filter[kind]": kind})
    assert found and {c["attributes"]["kind"] for c in found} == {kind}


def test_accounting_categories_kind_list_id_and_bad_values(demo_api):
    both = demo_api.all("/accounting_categories", {"filter[kind]": "income,assets"})
    assert {c["attributes"]["kind"] for c in both} == {"income", "assets"}
    first_two = [c["id"] for c in both[:2]]
    by_id = demo_api.all("/accounting_categories", {"filter[id]": ",".join(first_two)})
    assert [c["id"] for c in by_id] == first_two
    active = demo_api.all("/accounting_categories", {"filter[active]": "true"})
    assert {c["attributes"]["kind"] for c in active} == {"income", "expenses", "assets"}
    for bad in ({"filter[kind]": "liabilities"}, {"filter[prefix]": "70x"}, {"filter[active]": "yes please"}):
        assert demo_api.get("/accounting_categories", params=bad).status_code == 400


def test_subcategories_crud_and_rules(api):
    category = api.all("/accounting_categories", {"filter[prefix]": "629"})[0]
    body = {
        "data": {
            "type": "accounting_subcategories",
            "attributes": {"name": "Vestuario", "suffix": "2"},
            "relationships": {
                "accounting_category": {"data": {"type": "accounting_categories", "id": category["id"]}}
            },
        }
    }
    created = api.post("/accounting_subcategories", body)
    assert created.status_code == 201
    sub = created.json()["data"]
    assert sub["attributes"] == {"name": "Vestuario", "suffix": "2"}
    duplicate = api.post("/accounting_subcategories", body)
    assert errors_by_pointer(duplicate) == {"/data/attributes/suffix": "has already been taken"}
    missing = api.post(
        "/accounting_subcategories", {"data": {"type": "accounting_subcategories", "attributes": {}}}
    )
    assert errors_by_pointer(missing) == {
        "/data/attributes/name": "Can not be blank.",
        "/data/attributes/suffix": "Can not be blank.",
        "/data/relationships/accounting_category": "Can not be blank.",
    }
    renamed = api.patch(
        f"/accounting_subcategories/{sub['id']}", {"data": {"attributes": {"name": "Transporte"}}}
    )
    assert renamed.json()["data"]["attributes"]["name"] == "Transporte"
    listed = api.all("/accounting_subcategories", {"filter[accounting_category_id]": f"{category['id']},1"})
    assert [s["id"] for s in listed] == [sub["id"]]
    assert (
        api.get("/accounting_subcategories", params={"filter[accounting_category_id]": "a,b"}).status_code
        == 400
    )
    assert api.delete(f"/accounting_subcategories/{sub['id']}").status_code == 204
    used = api.data("/accounting_subcategories")[0]
    assert api.delete(f"/accounting_subcategories/{used['id']}").status_code == 403


def test_analytic_category_tree(api):
    root = api.post(
        "/analytic_categories", {"data": {"type": "analytic_categories", "attributes": {"name": "Zonas"}}}
    )
    assert root.status_code == 201
    root_id = root.json()["data"]["id"]
    child = api.post(
        "/analytic_categories",
        {
            "data": {
                "type": "analytic_categories",
                "attributes": {"name": "Norte"},
                "relationships": {"parent": {"data": {"type": "analytic_categories", "id": root_id}}},
            }
        },
    ).json()["data"]
    assert child["relationships"]["parent"]["data"]["id"] == root_id
    assert api.data(f"/analytic_categories/{root_id}")["relationships"]["children"]["data"] == [
        {"id": child["id"], "type": "analytic_categories"}
    ]
    assert api.delete(f"/analytic_categories/{root_id}").status_code == 403
    assert api.delete(f"/analytic_categories/{child['id']}").status_code == 204
    assert api.delete(f"/analytic_categories/{root_id}").status_code == 204
    blank = api.post("/analytic_categories", {"data": {"type": "analytic_categories", "attributes": {}}})
    assert errors_by_pointer(blank) == {"/data/attributes/name": "Can not be blank."}


def test_users(api):
    me = api.get("/users/me")
    assert me.status_code == 200
    user = me.json()["data"]
    assert api.data(f"/users/{user['id']}") == user
    assert api.get("/users/1").status_code == 404


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/liquidations"),
        ("GET", "/money_accounts"),
        ("GET", "/economic_activities"),
        ("POST", "/contacts/bulk"),
        ("POST", "/accounting_subcategories/bulk"),
    ],
)
def test_internal_endpoints_are_forbidden(api, method, path):
    response = api.request(
        method, path, body={"sync_type": "initial", "data": []} if method == "POST" else None
    )
    assert response.status_code == 403
    assert response.json() == {"errors": [{"detail": "You are not authorized to access this resource"}]}


def test_unknown_paths_are_404(api):
    assert api.get("/budgets").status_code == 404
