"""Writes of invoices and the other documents: required fields, totals, numbering, items, amending."""

from decimal import Decimal

import pytest

from .api import errors_by_pointer


def rel(kind, record_id):
    return {"data": {"type": kind, "id": record_id}}


def item(concept="Tornillos", unitary="0.50", quantity=30, vat=21, retention=0, **extra):
    attributes = {
        "concept": concept,
        "unitary_amount": unitary,
        "quantity": quantity,
        "vat_percent": vat,
        "retention_percent": retention,
        **extra,
    }
    return {"type": "book_entry_items", "attributes": attributes}


def invoice_body(contact_id, *, issue_date="2026-03-12", items=None, **attributes):
    return {
        "data": {
            "type": "invoices",
            "attributes": {"kind": "income", "number": None, "issue_date": issue_date, **attributes},
            "relationships": {
                "contact": rel("contacts", contact_id),
                "items": {"data": items if items is not None else [item(), item("Tuercas", "0.35", 30)]},
            },
        }
    }


@pytest.fixture
def client_id(api):
    return api.all("/contacts", {"filter[kind]": "client"})[0]["id"]


def create(api, body, path="/invoices", **params):
    response = api.post(path, body, params=params or None)
    assert response.status_code == 201, response.text
    return response.json()


def test_totals_vat_retention_and_discount_come_from_the_items(api, client_id):
    items = [
        item("Consultoría", "1500.00", 1, 21, 15),
        item("Tornillos", "0.50", 30, 21),
        item("Libro", "20.00", 2, 4, 0, discount_percent=10),
    ]
    body = create(
        api, invoice_body(client_id, items=items, total_amount="1.0", vat_amount="9"), include="items"
    )
    attributes = body["data"]["attributes"]
    # bases 1500 + 15 + 36 (40 less 10 %); VAT 315 + 3.15 + 1.44; retention 225
    assert attributes["total_amount_without_taxes"] == "1551.0"
    assert attributes["vat_amount"] == "319.59"
    assert attributes["retention_amount"] == "225.0"
    assert attributes["total_amount"] == "1645.59"
    included = {i["attributes"]["concept"]: i["attributes"] for i in body["included"]}
    assert included["Libro"]["discount_amount"] == "4.0"
    assert included["Libro"]["total_amount"] == "37.44"
    assert included["Tornillos"]["quantity"] == "30.0"


def test_income_invoices_are_numbered_per_series_and_fiscal_year(api, client_id):
    first = create(api, invoice_body(client_id, issue_date="2027-01-10"))["data"]["attributes"]
    second = create(api, invoice_body(client_id, issue_date="2027-02-10"))["data"]["attributes"]
    assert (first["number"], second["number"]) == ("F-1", "F-2")
    earlier_year = create(api, invoice_body(client_id, issue_date="2025-12-31"))["data"]["attributes"]
    highest_2025 = max(
        int(e["attributes"]["number"][2:])
        for e in api.all("/invoices", {"filter[period]": "2025", "filter[kind]": "income"})
        if e["attributes"]["number"].startswith("F-")
    )
    assert earlier_year["number"] == f"F-{highest_2025}"


def test_a_given_number_must_be_unique_in_the_fiscal_year(api, client_id):
    create(api, invoice_body(client_id, issue_date="2027-05-01", number="A-7"))
    duplicate = api.post("/invoices", invoice_body(client_id, issue_date="2027-06-01", number="A-7"))
    assert duplicate.status_code == 422
    assert errors_by_pointer(duplicate) == {
        "/data/attributes/number": "has already been taken in this fiscal year"
    }
    next_year = api.post("/invoices", invoice_body(client_id, issue_date="2028-01-01", number="A-7"))
    assert next_year.status_code == 201


def test_series_numbering_uses_the_chosen_series(api, client_id):
    series = api.post(
        "/numbering_series",
        {"data": {"type": "numbering_series", "attributes": {"prefix": "EXP-", "applicable_to": "invoices"}}},
    ).json()["data"]
    body = invoice_body(client_id, issue_date="2027-03-03")
    body["data"]["relationships"]["numeration"] = rel("numbering_series", series["id"])
    created = create(api, body)["data"]
    assert created["attributes"]["number"] == "EXP-1"
    assert created["relationships"]["numeration"]["data"]["id"] == series["id"]


def test_required_attributes_and_relationships_get_422_pointers(api):
    body = {"data": {"type": "invoices", "attributes": {"payment_method": "barter"}, "relationships": {}}}
    response = api.post("/invoices", body)
    assert response.status_code == 422
    assert errors_by_pointer(response) == {
        "/data/attributes/kind": "Can not be blank.",
        "/data/attributes/payment_method": "is not included in the list",
    }
    body["data"]["attributes"] = {"kind": "income", "issue_date": "31/02/2026"}
    response = api.post("/invoices", body)
    assert errors_by_pointer(response) == {
        "/data/attributes/issue_date": "is not a valid date (YYYY-mm-dd)",
        "/data/relationships/contact": "Can not be blank.",
    }


def test_item_errors_point_at_the_item(api, client_id):
    items = [item(), item("", vat=150), item("Sin categoría", accounting_x=1)]
    items[2]["relationships"] = {"accounting_subcategory": rel("accounting_subcategories", "1")}
    response = api.post("/invoices", invoice_body(client_id, items=items))
    assert response.status_code == 422
    assert errors_by_pointer(response) == {
        "/data/relationships/items/data/1/attributes/concept": "Can not be blank.",
        "/data/relationships/items/data/1/attributes/vat_percent": "must be between 0 and 100",
        "/data/relationships/items/data/2/relationships/accounting_subcategory": "does not exist",
    }


def test_read_only_attributes_are_ignored(api, client_id):
    body = invoice_body(
        client_id, payment_status="paid", stage="final", issuing_name="Otro", total_amount="1"
    )
    attributes = create(api, body)["data"]["attributes"]
    assert attributes["payment_status"] == "unpaid"
    assert attributes["stage"] == "draft"
    assert attributes["issuing_name"] != "Otro"
    assert attributes["total_amount"] == "30.86"  # (15.0 + 10.5) plus 21 % VAT


def test_payment_status_and_stage_follow_paid_at_and_due_dates(api, client_id):
    draft = create(api, invoice_body(client_id))["data"]
    assert (draft["attributes"]["payment_status"], draft["attributes"]["stage"]) == ("unpaid", "draft")
    due = create(api, invoice_body(client_id, issue_date="2026-01-02", due_dates=["2026-02-01"]))["data"]
    assert (due["attributes"]["payment_status"], due["attributes"]["stage"]) == ("unpaid", "final")
    overdue_ids = {e["id"] for e in api.all("/invoices", {"filter[payment_status]": "due"})}
    assert due["id"] in overdue_ids
    pending = create(api, invoice_body(client_id, issue_date="2099-01-02", due_dates=["2099-02-01"]))["data"]
    assert pending["id"] in {e["id"] for e in api.all("/invoices", {"filter[payment_status]": "pending"})}
    paid = api.patch(
        f"/invoices/{due['id']}",
        {"data": {"type": "invoices", "id": int(due["id"]), "attributes": {"paid_at": "2026-02-03"}}},
    ).json()["data"]
    assert (paid["attributes"]["payment_status"], paid["attributes"]["stage"]) == ("paid", "final")


def test_patch_with_items_replaces_the_item_set(api, client_id):
    created = create(
        api, invoice_body(client_id, items=[item("Uno"), item("Dos"), item("Tres")]), include="items"
    )
    by_concept = {i["attributes"]["concept"]: i["id"] for i in created["included"]}
    patch = {
        "data": {
            "type": "invoices",
            "id": created["data"]["id"],
            "relationships": {
                "items": {
                    "data": [
                        {
                            "id": int(by_concept["Uno"]),
                            "type": "book_entry_items",
                            "attributes": {"quantity": 2},
                        },
                        {
                            "type": "book_entry_items",
                            "attributes": {"concept": "Cuatro", "unitary_amount": "10.00"},
                        },
                    ]
                }
            },
        }
    }
    response = api.patch(f"/invoices/{created['data']['id']}", patch, params={"include": "items"})
    assert response.status_code == 200
    items = {i["attributes"]["concept"]: i for i in response.json()["included"]}
    assert set(items) == {"Uno", "Cuatro"}
    assert items["Uno"]["id"] == by_concept["Uno"]
    assert items["Uno"]["attributes"]["quantity"] == "2.0"
    assert items["Uno"]["attributes"]["unitary_amount"] == "0.5"
    assert items["Cuatro"]["id"] not in by_concept.values()
    assert response.json()["data"]["attributes"]["total_amount_without_taxes"] == "11.0"


def test_patch_without_items_leaves_them_alone(api, client_id):
    created = create(api, invoice_body(client_id), include="items")
    before = sorted((i["id"], i["attributes"]["total_amount"]) for i in created["included"])
    response = api.patch(
        f"/invoices/{created['data']['id']}",
        {"data": {"type": "invoices", "attributes": {"notes": "Gracias"}}},
        params={"include": "items"},
    )
    assert sorted((i["id"], i["attributes"]["total_amount"]) for i in response.json()["included"]) == before
    assert response.json()["data"]["attributes"]["notes"] == "Gracias"


def test_an_item_id_of_another_document_is_refused(api, client_id):
    one = create(api, invoice_body(client_id), include="items")
    other = create(api, invoice_body(client_id))
    foreign = {"id": one["included"][0]["id"], "type": "book_entry_items", "attributes": {"quantity": 1}}
    response = api.patch(
        f"/invoices/{other['data']['id']}",
        {"data": {"type": "invoices", "relationships": {"items": {"data": [foreign]}}}},
    )
    assert response.status_code == 422
    assert "/data/relationships/items/data/0/id" in errors_by_pointer(response)


def test_full_credit_note_refunds_every_item(api, client_id):
    original = create(api, invoice_body(client_id, issue_date="2026-04-01"))["data"]
    body = {
        "data": {
            "type": "invoices",
            "relationships": {"amended_invoice": rel("invoices", int(original["id"]))},
        }
    }
    note = create(api, body, include="items")
    attributes = note["data"]["attributes"]
    assert Decimal(attributes["total_amount"]) == -Decimal(original["attributes"]["total_amount"])
    assert attributes["number"].startswith("R-")
    assert note["data"]["relationships"]["amended_invoice"]["data"]["id"] == original["id"]
    assert note["data"]["relationships"]["contact"] == original["relationships"]["contact"]
    assert all(Decimal(i["attributes"]["quantity"]) < 0 for i in note["included"])
    again = api.get(f"/invoices/{original['id']}").json()["data"]
    assert again["relationships"]["amending_invoices"]["data"] == [
        {"id": note["data"]["id"], "type": "invoices"}
    ]
    assert api.delete(f"/invoices/{original['id']}").status_code == 403
    assert api.post("/invoices", body).status_code == 422  # already fully refunded
    assert api.delete(f"/invoices/{note['data']['id']}").status_code == 204
    assert api.delete(f"/invoices/{original['id']}").status_code == 204


def test_partial_credit_note_keeps_the_given_items(api, client_id):
    original = create(api, invoice_body(client_id))["data"]
    body = {
        "data": {
            "type": "invoices",
            "attributes": {"credit_note_reason": "R5"},
            "relationships": {
                "amended_invoice": rel("invoices", original["id"]),
                "items": {"data": [item("Partial refund for service delay", "-5.00", 1, 21)]},
            },
        }
    }
    note = create(api, body)["data"]["attributes"]
    assert note["total_amount"] == "-6.05"
    assert note["credit_note_reason"] == "R5"


def test_amending_an_unknown_document_is_422(api):
    body = {"data": {"type": "invoices", "relationships": {"amended_invoice": rel("invoices", 1)}}}
    response = api.post("/invoices", body)
    assert errors_by_pointer(response) == {"/data/relationships/amended_invoice": "does not exist"}


def test_simplified_invoice_rules_and_amending(api):
    missing = api.post(
        "/simplified_invoices",
        {
            "data": {
                "type": "simplified_invoices",
                "attributes": {"kind": "income", "issue_date": "2026-05-05"},
            }
        },
    )
    assert errors_by_pointer(missing) == {"/data/attributes/recipient_name": "Can not be blank."}
    body = {
        "data": {
            "type": "simplified_invoices",
            "attributes": {
                "kind": "income",
                "issue_date": "2026-05-05",
                "recipient_name": "Manolo",
                "paid_at": "2026-05-05",
            },
            "relationships": {"items": {"data": [item("Café", "1.20", 2, 10)]}},
        }
    }
    created = create(api, body, "/simplified_invoices")["data"]
    assert created["attributes"]["recipient_name"] == "Manolo"
    assert created["attributes"]["number"].startswith("T-")
    assert created["attributes"]["stage"] == "final"
    refund = {
        "data": {
            "type": "simplified_invoices",
            "relationships": {"amended_simplified_invoice": rel("simplified_invoices", created["id"])},
        }
    }
    note = create(api, refund, "/simplified_invoices")["data"]
    assert note["attributes"]["number"].startswith("TR-")
    assert note["attributes"]["total_amount"] == "-2.64"


def test_expense_simplified_invoice_needs_the_issuing_name(api):
    body = {
        "data": {
            "type": "simplified_invoices",
            "attributes": {"kind": "expenses", "issue_date": "2026-05-05"},
        }
    }
    assert errors_by_pointer(api.post("/simplified_invoices", body)) == {
        "/data/attributes/issuing_name": "Can not be blank."
    }


def test_tickets_are_created_as_simplified_invoices(api):
    body = {
        "data": {
            "type": "tickets",
            "attributes": {
                "kind": "income",
                "recipient_name": "unknown",
                "issue_date": "2026-03-08",
                "paid_at": "2026-03-08",
                "payment_method": "cash",
            },
            "relationships": {"items": {"data": [item("Tornillos")]}},
        }
    }
    created = create(api, body, "/tickets")["data"]
    assert created["type"] == "tickets"
    assert api.get(f"/simplified_invoices/{created['id']}").status_code == 200
    assert created["id"] in {t["id"] for t in api.all("/tickets")}


@pytest.mark.parametrize("path", ["/additional_incomes", "/additional_income"])
def test_additional_incomes_are_always_income(api, path):
    body = {
        "data": {
            "type": "additional_incomes",
            "attributes": {"kind": "expenses", "issue_date": "2026-03-08", "recipient_name": "Vecino"},
            "relationships": {"items": {"data": [item("Alquiler plaza", "60.00", 1, 21)]}},
        }
    }
    created = create(api, body, path)["data"]
    assert created["type"] == "additional_incomes"
    assert created["attributes"]["kind"] == "income"
    assert created["attributes"]["number"].startswith("AI-")
    assert api.get(f"{path}/{created['id']}").status_code == 200
    assert api.delete(f"{path}/{created['id']}").status_code == 204


def test_paysheets_compute_gross_pay_and_need_an_employee(api):
    employee = api.all("/contacts", {"filter[kind]": "employee"})[0]["id"]
    body = {
        "data": {
            "type": "paysheets",
            "attributes": {
                "issue_date": "2026-03-12",
                "net_pay": "1185.76",
                "employee_ss_amount": 88.8,
                "employee_retention": "112.94",
                "company_ss_amount": "450.25",
            },
            "relationships": {"contact": rel("contacts", employee)},
        }
    }
    created = create(api, body, "/paysheets")["data"]
    assert created["attributes"]["gross_pay"] == "1387.5"
    assert created["attributes"]["kind"] == "expenses"
    category = api.data(
        f"/accounting_categories/{created['relationships']['accounting_category']['data']['id']}"
    )
    assert category["attributes"]["prefix"] == 640
    del body["data"]["relationships"]
    assert errors_by_pointer(api.post("/paysheets", body)) == {
        "/data/relationships/contact": "Can not be blank."
    }


def test_subcategory_must_belong_to_the_category_and_analytic_categories_cannot_be_roots(api, client_id):
    sub = api.data("/accounting_subcategories")[0]
    own_category = sub["relationships"]["accounting_category"]["data"]["id"]
    other_category = next(c["id"] for c in api.data("/accounting_categories") if c["id"] != own_category)
    roots = [a for a in api.all("/analytic_categories") if a["relationships"]["parent"]["data"] is None]
    body = invoice_body(client_id)
    body["data"]["relationships"].update(
        accounting_category=rel("accounting_categories", other_category),
        accounting_subcategory=rel("accounting_subcategories", sub["id"]),
        analytic_categories={"data": [{"type": "analytic_categories", "id": roots[0]["id"]}]},
    )
    body["data"]["relationships"]["items"]["data"][0]["relationships"] = {
        "accounting_subcategory": rel("accounting_subcategories", sub["id"])
    }
    response = api.post("/invoices", body)
    assert errors_by_pointer(response) == {
        "/data/relationships/accounting_subcategory": "does not belong to the accounting category",
        "/data/relationships/analytic_categories": "can not be a root analytic category",
        "/data/relationships/items/data/0/relationships/accounting_subcategory": (
            "needs the accounting category it belongs to"
        ),
    }
    leaf = next(a for a in api.all("/analytic_categories") if a["relationships"]["parent"]["data"])
    body["data"]["relationships"].update(
        accounting_category=rel("accounting_categories", own_category),
        analytic_categories={"data": [{"type": "analytic_categories", "id": leaf["id"]}]},
    )
    body["data"]["relationships"]["items"]["data"][0]["relationships"]["accounting_category"] = rel(
        "accounting_categories", own_category
    )
    created = create(api, body, include="items")
    assert created["data"]["relationships"]["accounting_subcategory"]["data"]["id"] == sub["id"]
    first_item = next(i for i in created["included"] if i["attributes"]["concept"] == "Tornillos")
    assert first_item["relationships"]["accounting_subcategory"]["data"]["id"] == sub["id"]


def test_integer_ids_are_accepted_in_requests(api, client_id):
    created = create(api, invoice_body(int(client_id)))["data"]
    assert created["relationships"]["contact"]["data"] == {"id": client_id, "type": "contacts"}


def test_malformed_json_is_400(api):
    response = api.request(
        "POST", "/invoices", data="{not json", headers={"Content-Type": "application/vnd.quipu.v1+json"}
    )
    assert response.status_code == 400


def test_unknown_records_are_404(api):
    for path in ("/invoices/1", "/paysheets/999999", "/contacts/abc", "/numbering_series/5"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {"errors": [{"detail": "Record not found"}]}


def test_delete_document(api, client_id):
    created = create(api, invoice_body(client_id))["data"]
    assert api.delete(f"/invoices/{created['id']}").status_code == 204
    assert api.get(f"/invoices/{created['id']}").status_code == 404


def test_the_api_content_type_on_get_and_delete_is_accepted(api, client_id):
    created = create(api, invoice_body(client_id))["data"]
    headers = {"Content-Type": "application/vnd.quipu.v1+json"}
    assert api.get(f"/invoices/{created['id']}", headers=headers).status_code == 200
    assert api.delete(f"/invoices/{created['id']}", headers=headers).status_code == 204


def test_writes_under_the_owner_slug(api, client_id):
    created = api.post(f"/{api.slug}/invoices", invoice_body(client_id))
    assert created.status_code == 201
    invoice_id = created.json()["data"]["id"]
    patched = api.patch(
        f"/{api.slug}/invoices/{invoice_id}", {"data": {"type": "invoices", "attributes": {"tags": "a"}}}
    )
    assert patched.json()["data"]["attributes"]["tags"] == "a"
    pdf = api.get(f"/{api.slug}/invoices/{invoice_id}/download")
    assert pdf.status_code == 200
    assert api.delete(f"/{api.slug}/invoices/{invoice_id}").status_code == 204


def test_due_date_intervals_become_due_dates(api, client_id):
    body = invoice_body(client_id, issue_date="2026-01-31", due_date_intervals=[30, 60])
    assert create(api, body)["data"]["attributes"]["due_dates"] == ["2026-03-02", "2026-04-01"]
    body = invoice_body(client_id, due_date_intervals="30")
    assert errors_by_pointer(api.post("/invoices", body)) == {
        "/data/attributes/due_date_intervals": "must be a list of whole days"
    }


def test_items_without_a_document_kind_get_422_not_500(api, client_id):
    body = invoice_body(client_id)
    del body["data"]["attributes"]["kind"]
    response = api.post("/invoices", body)
    assert response.status_code == 422
    assert errors_by_pointer(response) == {"/data/attributes/kind": "Can not be blank."}
