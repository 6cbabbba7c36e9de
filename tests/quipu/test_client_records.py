import datetime
from decimal import Decimal

import pytest

from quipu_portal.quipu.errors import QuipuNotFoundError
from quipu_portal.quipu.jsonapi import record_to_input
from quipu_portal.quipu.records import (
    AdditionalIncome,
    Attachment,
    Contact,
    Invoice,
    ItemInput,
    Paysheet,
    RecordInput,
    SimplifiedInvoice,
    Ticket,
)
from quipu_portal.quipu.refdata import reference_data

from .conftest import account_stats

pytestmark = pytest.mark.django_db


def _first(client, resource, **filters):
    page = client.list(resource, filters=filters or None)
    assert page.records, f"the small sandbox account has no {resource}"
    return page.records[0]


def _ensure_ticket(client):
    page = client.list("tickets")
    if page.records:
        return page.records[0]
    return client.create(
        "tickets",
        RecordInput(
            attributes={
                "kind": "expenses",
                "issue_date": datetime.date(2026, 2, 3),
                "issuing_name": "Bar Paco",
            },
            items=[
                ItemInput(
                    attributes={"concept": "Café", "unitary_amount": "1.50", "quantity": 2, "vat_percent": 10}
                )
            ],
        ),
    )


# (resource, how to get one, attribute to change, new value)
ROUND_TRIPS = [
    ("contacts", lambda c: _first(c, "contacts"), "phone", "976000111"),
    ("invoices", lambda c: _first(c, "invoices", kind="income"), "notes", "Entregado en taller"),
    ("invoices", lambda c: _first(c, "invoices", kind="expenses"), "tags", "revisado"),
    ("tickets", _ensure_ticket, "tags", "revisado"),
    ("simplified_invoices", lambda c: _first(c, "simplified_invoices"), "tags", "revisado"),
    ("additional_incomes", lambda c: _first(c, "additional_incomes"), "notes", "Alquiler de nave"),
    ("paysheets", lambda c: _first(c, "paysheets"), "tags", "revisado"),
    ("numbering_series", lambda c: _first(c, "numbering_series"), "amending", None),
    ("analytic_categories", lambda c: _first(c, "analytic_categories"), "name", "Departamentos (2026)"),
    (
        "accounting_subcategories",
        lambda c: _first(c, "accounting_subcategories"),
        "name",
        "Servicios de taller",
    ),
]


@pytest.mark.parametrize(
    ("resource", "get", "attribute", "value"), ROUND_TRIPS, ids=[f"{r[0]}-{r[2]}" for r in ROUND_TRIPS]
)
def test_changing_one_attribute_keeps_everything_else_including_items(
    client, resource, get, attribute, value
):
    include = (
        ["items"]
        if resource in ("invoices", "tickets", "simplified_invoices", "additional_incomes")
        else None
    )
    before = client.retrieve(resource, get(client).id, include=include)
    if value is None:  # a flag: flip it
        value = not getattr(before, attribute)

    data = record_to_input(before)
    data.attributes[attribute] = value
    updated = client.update(resource, before.id, data)
    after = client.retrieve(resource, before.id, include=include)

    assert after.raw_attributes[attribute] == value
    assert updated.raw_attributes[attribute] == value
    unchanged = {k: v for k, v in before.raw_attributes.items() if k != attribute}
    assert {k: v for k, v in after.raw_attributes.items() if k != attribute} == unchanged
    assert after.raw_relationships == before.raw_relationships
    if include:
        assert before.items, "a document with items"
        assert [i.id for i in after.items] == [i.id for i in before.items]
        assert [dict(i.raw_attributes) for i in after.items] == [dict(i.raw_attributes) for i in before.items]
        assert [dict(i.raw_relationships) for i in after.items] == [
            dict(i.raw_relationships) for i in before.items
        ]


def test_records_come_back_typed(client):
    invoice = client.retrieve("invoices", _first(client, "invoices", kind="income").id, include=["items"])
    assert isinstance(invoice, Invoice)
    assert isinstance(invoice.total_amount, Decimal)
    assert isinstance(invoice.issue_date, datetime.date)
    assert invoice.items and all(isinstance(i.unitary_amount, Decimal) for i in invoice.items)
    assert invoice.contact is not None and invoice.contact.type == "contacts"

    kinds = {type(record) for record in client.list("book_entries", page_size=100).records}
    assert {Invoice, SimplifiedInvoice, Paysheet} <= kinds
    assert kinds <= {Invoice, Ticket, SimplifiedInvoice, AdditionalIncome, Paysheet}


def test_an_edit_can_change_one_item_add_one_and_drop_one(client):
    invoice = client.retrieve("invoices", _first(client, "invoices", kind="income").id, include=["items"])
    assert len(invoice.items) == 2
    data = record_to_input(invoice)
    data.items[0].attributes["quantity"] = Decimal("3")
    kept = data.items[0]
    data.items = [
        kept,
        ItemInput(
            attributes={"concept": "Pieza nueva", "unitary_amount": "12.00", "quantity": 1, "vat_percent": 21}
        ),
    ]

    updated = client.update("invoices", invoice.id, data)

    assert [i.id for i in updated.items][0] == invoice.items[0].id
    assert updated.items[0].quantity == Decimal("3")
    assert updated.items[1].concept == "Pieza nueva" and updated.items[1].id not in {
        i.id for i in invoice.items
    }
    assert len(updated.items) == 2


def test_create_and_delete(client):
    created = client.create(
        "contacts",
        RecordInput(
            attributes={"name": "Recambios Aragón S.L.", "tax_id": "B50000000", "country_code": "es"}
        ),
    )
    assert isinstance(created, Contact) and created.name == "Recambios Aragón S.L."
    client.delete("contacts", created.id)
    with pytest.raises(QuipuNotFoundError):
        client.retrieve("contacts", created.id)


def test_listing_filters_sorts_and_pages(client):
    first = client.list("contacts", sort=["name"], page=1, page_size=3)
    assert first.total_pages >= 3 and len(first.records) == 3
    everything = list(client.iterate("contacts", sort=["name"], page_size=3))
    assert len(everything) == first.total_results
    assert len({c.id for c in everything}) == len(everything)
    assert [c.name for c in everything] == sorted((c.name for c in everything), key=str.lower) or everything
    assert [c.id for c in everything[:3]] == [c.id for c in first.records]

    income = client.list("book_entries", filters={"type": "invoices", "kind": "income"}, page_size=100)
    assert income.records and all(r.kind == "income" and isinstance(r, Invoice) for r in income.records)


def test_iterate_fetches_one_page_at_a_time(client, sandbox, quipu_account):
    client.list("contacts")
    before = account_stats(sandbox, quipu_account["app_id"])["requests"]
    iterator = client.iterate("contacts", page_size=2)
    next(iterator)
    assert account_stats(sandbox, quipu_account["app_id"])["requests"] - before == 1


def test_invoice_pdf_downloads_as_a_stream(client):
    invoice = next(i for i in client.iterate("invoices", filters={"kind": "income"}) if i.download_pdf_url)
    with client.download(invoice.download_pdf_url) as pdf:
        body = b"".join(pdf.iter_content(1024))
        assert pdf.content_type == "application/pdf"
    assert body.startswith(b"%PDF")
    assert pdf.length in (None, len(body))


def test_attachment_upload_read_and_delete(client):
    invoice = _first(client, "invoices", kind="expenses")
    attachment = client.upload_attachment(
        book_entry_id=invoice.id,
        filename="factura.pdf",
        content=b"%PDF-1.4 test",
        content_type="application/pdf",
    )
    assert isinstance(attachment, Attachment)
    assert attachment.book_entry is not None and attachment.book_entry.id == invoice.id
    assert client.retrieve("attachments", attachment.id).url == attachment.url
    client.delete("attachments", attachment.id)
    with pytest.raises(QuipuNotFoundError):
        client.retrieve("attachments", attachment.id)


def test_reference_data_is_cached_and_refreshed_after_the_portal_changes_it(client, sandbox, quipu_account):
    data = reference_data(client)
    assert data.accounting_categories and data.numbering_series and data.analytic_categories
    sub = data.accounting_subcategories[0]
    assert data.account_code(sub.accounting_category.id, sub.id).startswith(
        data.accounting_category(sub.accounting_category.id).prefix
    )

    before = account_stats(sandbox, quipu_account["app_id"])["requests"]
    assert reference_data(client) == data
    assert account_stats(sandbox, quipu_account["app_id"])["requests"] == before  # from the cache

    created = client.create(
        "numbering_series", RecordInput(attributes={"prefix": "Z26", "applicable_to": "invoices"})
    )
    assert reference_data(client).numbering_series_by_id(created.id) is not None
