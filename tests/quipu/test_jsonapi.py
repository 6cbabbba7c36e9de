import datetime
from decimal import Decimal

import pytest

from quipu_portal.quipu import jsonapi
from quipu_portal.quipu.errors import QuipuMalformedResponseError
from quipu_portal.quipu.records import (
    AccountingCategory,
    AccountingSubcategory,
    Contact,
    Invoice,
    ItemInput,
    NumberingSeries,
    Paysheet,
    RecordInput,
    Ref,
    Ticket,
    account_code,
)
from quipu_portal.quipu.resources import RESOURCES, resource_spec

INVOICE_WITH_ITEMS = {
    "data": {
        "id": "2988939",
        "type": "invoices",
        "attributes": {
            "kind": "income",
            "number": "2016-2",
            "issue_date": "2016-02-29",
            "due_dates": ["2016-03-31", "2016-04-25"],
            "paid_at": None,
            "payment_method": "bank_transfer",
            "payment_status": "paid",
            "total_amount": "2472.98",
            "total_amount_without_taxes": "2333.0",
            "vat_amount": 489.93,
            "issuing_name": "Paolo Conte",
            "recipient_country_code": "es",
            "tags": "vip client, important",
            "last_sent_at": 1457364458,
            "future_attribute": "kept raw",
        },
        "relationships": {
            "contact": {"data": {"type": "contacts", "id": "621291"}},
            "accounting_category": {"data": {"type": "accounting_categories", "id": "133"}},
            "accounting_subcategory": {"data": None},
            "numeration": {"data": {"type": "numbering_series", "id": "6326"}},
            "analytic_categories": {"data": []},
            "amending_invoices": {"data": [{"type": "invoices", "id": "5"}]},
            "items": {
                "data": [{"type": "book_entry_items", "id": "3298861"}, {"type": "items", "id": "3298862"}]
            },
        },
    },
    "included": [
        {
            "id": "3298862",
            "type": "items",
            "attributes": {
                "concept": "T10 2 zones",
                "unitary_amount": "17.82",
                "quantity": 19,
                "vat_percent": "10.0",
            },
        },
        {
            "id": "3298861",
            "type": "book_entry_items",
            "attributes": {
                "concept": "T10 1 zona",
                "unitary_amount": "9.038",
                "quantity": "5.0",
                "vat_amount": "4.519",
                "total_amount": "49.709",
                "vat_percent": "10.0",
            },
            "relationships": {
                "accounting_category": {"data": {"type": "accounting_categories", "id": "133"}}
            },
        },
    ],
}


def test_invoice_is_parsed_with_decimal_money_dates_relationships_and_items_in_link_order():
    invoice = jsonapi.parse_single(INVOICE_WITH_ITEMS)

    assert isinstance(invoice, Invoice)
    assert invoice.id == "2988939"
    assert invoice.total_amount == Decimal("2472.98")
    assert invoice.vat_amount == Decimal("489.93")  # a bare number, still exact
    assert invoice.issue_date == datetime.date(2016, 2, 29)
    assert invoice.due_dates == (datetime.date(2016, 3, 31), datetime.date(2016, 4, 25))
    assert invoice.paid_at is None
    assert invoice.last_sent_at == 1457364458
    assert invoice.contact == Ref("contacts", "621291")
    assert invoice.accounting_subcategory is None
    assert invoice.amending_invoices == (Ref("invoices", "5"),)
    assert [item.id for item in invoice.items] == ["3298861", "3298862"]
    assert invoice.items[0].total_amount == Decimal("49.709")
    assert invoice.items[0].accounting_category == Ref("accounting_categories", "133")
    assert invoice.items[1].quantity == Decimal("19")
    assert invoice.items_loaded
    assert invoice.raw_attributes["future_attribute"] == "kept raw"
    # Each line is read once: the document's lines are its included records themselves.
    assert all(invoice.included[("book_entry_items", item.id)] is item for item in invoice.items)


def test_last_sent_at_also_accepts_an_iso_datetime():
    doc = {"data": {"id": "1", "type": "invoices", "attributes": {"last_sent_at": "2024-05-01T10:00:00Z"}}}
    assert jsonapi.parse_single(doc).last_sent_at == datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)


def test_book_entries_list_gives_each_record_its_own_type_and_missing_meta_means_one_page():
    doc = {
        "data": [
            {"id": "1", "type": "invoices", "attributes": {"kind": "income"}},
            {"id": "2", "type": "tickets", "attributes": {"kind": "expenses", "total_amount": "5.2"}},
            {"id": "3", "type": "paysheets", "attributes": {"net_pay": "1185.76"}},
        ]
    }
    records, pagination = jsonapi.parse_collection(doc)

    assert [type(r) for r in records] == [Invoice, Ticket, Paysheet]
    assert records[2].net_pay == Decimal("1185.76")
    assert (pagination.current_page, pagination.total_pages, pagination.total_results) == (1, 1, 3)


def test_contact_numbers_that_arrive_as_numbers_are_parsed_permissively():
    doc = {
        "data": {
            "id": "45956",
            "type": "contacts",
            "attributes": {
                "name": "Amazon",
                "supplier_number": 931,
                "total_unpaid_expenses": 0.0,
                "is_client": False,
            },
        }
    }
    contact = jsonapi.parse_single(doc)
    assert isinstance(contact, Contact)
    assert contact.supplier_number == "931"
    assert contact.total_unpaid_expenses == Decimal("0.0")
    assert contact.is_client is False


def test_account_code_pads_the_category_prefix_with_the_subcategory_suffix():
    category = AccountingCategory(id="1", prefix="629", accounting_digits_number=8)
    assert account_code(category, AccountingSubcategory(id="2", suffix="2")) == "62900002"
    assert account_code(category) == "629"


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"errors": []},
        {"data": {"type": "invoices"}},
        {"data": {"id": "1", "type": "invoices", "attributes": {"issue_date": "yesterday"}}},
        {"data": {"id": "1", "type": "invoices", "attributes": {"total_amount": "12,5 €"}}},
        {"data": {"id": "1", "type": "invoices", "relationships": {"contact": {"data": "621291"}}}},
    ],
)
def test_documents_that_are_not_what_the_api_promises_raise_malformed(doc):
    with pytest.raises(QuipuMalformedResponseError):
        jsonapi.parse_single(doc)


def test_create_payload_is_the_documented_shape_with_items_inline_and_read_only_dropped():
    spec = resource_spec("invoices")
    data = RecordInput(
        attributes={
            "kind": "income",
            "issue_date": datetime.date(2016, 3, 12),
            "due_dates": [datetime.date(2016, 5, 12)],
            "tags": "songo, timba",
            "total_amount": Decimal("1.00"),  # read only: never sent
            "issuing_name": "Me",  # read only on invoices
        },
        relationships={"contact": "6347", "accounting_category": "123", "analytic_categories": ["7", "8"]},
        items=[
            ItemInput(
                attributes={
                    "concept": "Tornillos",
                    "unitary_amount": Decimal("0.50"),
                    "quantity": 30,
                    "vat_percent": 21,
                },
                relationships={"accounting_category": "133", "accounting_subcategory": "1234"},
            ),
            ItemInput(attributes={"concept": "Tuercas", "total_amount": Decimal("9")}, id="77"),
        ],
    )

    assert jsonapi.build_payload(spec, data) == {
        "data": {
            "type": "invoices",
            "attributes": {
                "kind": "income",
                "issue_date": "2016-03-12",
                "due_dates": ["2016-05-12"],
                "tags": "songo, timba",
            },
            "relationships": {
                "contact": {"data": {"type": "contacts", "id": "6347"}},
                "accounting_category": {"data": {"type": "accounting_categories", "id": "123"}},
                "analytic_categories": {
                    "data": [
                        {"type": "analytic_categories", "id": "7"},
                        {"type": "analytic_categories", "id": "8"},
                    ]
                },
                "items": {
                    "data": [
                        {
                            "type": "book_entry_items",
                            "attributes": {
                                "concept": "Tornillos",
                                "unitary_amount": "0.50",
                                "quantity": 30,
                                "vat_percent": 21,
                            },
                            "relationships": {
                                "accounting_category": {
                                    "data": {"type": "accounting_categories", "id": "133"}
                                },
                                "accounting_subcategory": {
                                    "data": {"type": "accounting_subcategories", "id": "1234"}
                                },
                            },
                        },
                        {"type": "book_entry_items", "id": "77", "attributes": {"concept": "Tuercas"}},
                    ]
                },
            },
        }
    }


def test_update_payload_carries_the_id_and_clears_a_relationship_with_null():
    body = jsonapi.build_payload(
        resource_spec("contacts"),
        RecordInput(attributes={"name": "Another name"}, relationships={"income_category": None}),
        id="746868",
    )
    assert body == {
        "data": {
            "type": "contacts",
            "id": "746868",
            "attributes": {"name": "Another name"},
            "relationships": {"income_category": {"data": None}},
        }
    }


def test_issuing_name_is_sent_for_expense_tickets_but_not_for_income_tickets():
    spec = resource_spec("tickets")
    expense = jsonapi.build_payload(
        spec, RecordInput(attributes={"kind": "expenses", "issuing_name": "Bar Paco"})
    )
    income = jsonapi.build_payload(spec, RecordInput(attributes={"kind": "income", "issuing_name": "Me"}))
    assert expense["data"]["attributes"] == {"kind": "expenses", "issuing_name": "Bar Paco"}
    assert income["data"]["attributes"] == {"kind": "income"}


def test_record_to_input_keeps_every_item_with_its_id_and_never_sends_read_only_values():
    invoice = jsonapi.parse_single(INVOICE_WITH_ITEMS)
    data = jsonapi.record_to_input(invoice)

    assert data.attributes["tags"] == "vip client, important"
    assert "total_amount" not in data.attributes and "payment_status" not in data.attributes
    assert "future_attribute" not in data.attributes
    assert data.relationships == {
        "contact": "621291",
        "accounting_category": "133",
        "accounting_subcategory": None,
        "numeration": "6326",
        "analytic_categories": [],
    }
    assert [(item.id, item.attributes["concept"]) for item in data.items] == [
        ("3298861", "T10 1 zona"),
        ("3298862", "T10 2 zones"),
    ]
    assert data.items[0].relationships == {"accounting_category": "133"}
    assert "total_amount" not in data.items[0].attributes

    body = jsonapi.build_payload(resource_spec("invoices"), data, id=invoice.id)
    assert body["data"]["attributes"]["issue_date"] == "2016-02-29"
    assert body["data"]["relationships"]["items"]["data"][0]["attributes"]["unitary_amount"] == "9.038"


def test_record_without_side_loaded_items_does_not_send_items():
    doc = {
        "data": {
            "id": "1",
            "type": "invoices",
            "attributes": {"kind": "income"},
            "relationships": {"items": {"data": [{"type": "book_entry_items", "id": "9"}]}},
        }
    }
    assert jsonapi.record_to_input(jsonapi.parse_single(doc)).items is None


def test_numbering_series_and_other_resources_without_items_never_send_items():
    series = jsonapi.parse_single(
        {
            "data": {
                "id": "6326",
                "type": "numbering_series",
                "attributes": {"prefix": "2016", "default": True, "deletable": False},
            }
        }
    )
    assert isinstance(series, NumberingSeries)
    data = jsonapi.record_to_input(series)
    assert data.attributes == {"prefix": "2016", "default": True}
    assert data.items is None


def test_every_resource_spec_has_a_record_class_and_consistent_attribute_lists():
    for name, spec in RESOURCES.items():
        assert spec.name == name
        assert not set(spec.writable) & set(spec.read_only), name
        for relationship in spec.relationships:
            assert hasattr(spec.record, relationship) or relationship == "items", (name, relationship)


def test_item_categories_are_sent_only_where_quipu_accepts_them():
    item = ItemInput(attributes={"concept": "Café"}, id="5", relationships={"accounting_category": "133"})
    ticket = jsonapi.build_payload(resource_spec("tickets"), RecordInput(items=[item]))
    simplified = jsonapi.build_payload(resource_spec("simplified_invoices"), RecordInput(items=[item]))
    assert "relationships" not in ticket["data"]["relationships"]["items"]["data"][0]
    assert simplified["data"]["relationships"]["items"]["data"][0]["relationships"] == {
        "accounting_category": {"data": {"type": "accounting_categories", "id": "133"}}
    }
