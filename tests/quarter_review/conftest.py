"""A fresh sandbox account holding one quarter whose every finding is known in advance.

The documents are created here through the API; the findings each one should cause are written out
by hand in ``Quarter`` (never computed by the code under test).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from quipu_portal.connections.services import client_for
from quipu_portal.quipu.records import ItemInput, RecordInput
from quipu_portal.quipu.refdata import reference_data

YEAR, QUARTER = 2026, 2


@pytest.fixture
def quipu_account(sandbox):
    """Reference data only (one numbering series, F for invoices): the test fills the quarter."""
    return sandbox.create_account("Revisión S.L.", seed="empty")


@pytest.fixture
def quipu(connection):
    with client_for(connection) as client:
        yield client


@pytest.fixture
def portal(client, accountant, connection):
    client.force_login(accountant)
    return client


def line(concept: str, amount: str, vat: str, category=None) -> ItemInput:
    return ItemInput(
        attributes={
            "concept": concept,
            "unitary_amount": Decimal(amount),
            "quantity": Decimal("1"),
            "vat_percent": Decimal(vat),
        },
        relationships={"accounting_category": category} if category else {},
    )


@dataclass
class Quarter:
    """The ids of the documents created, by the name the tests use for them."""

    ids: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    series_id: str = ""


def fill_quarter(client) -> Quarter:
    refdata = reference_data(client, refresh=True)
    by_prefix = {category.prefix: category.id for category in refdata.accounting_categories}
    quarter = Quarter(categories=by_prefix)
    quarter.series_id = next(s.id for s in refdata.numbering_series if s.prefix == "F")

    def contact(name, tax_id, country):
        record = client.create(
            "contacts", RecordInput(attributes={"name": name, "tax_id": tax_id, "country_code": country})
        )
        quarter.contacts[name] = record.id
        return record.id

    supplier_a = contact("Suministros Ebro S.L.", "B50000001", "es")
    supplier_b = contact("Limpiezas Sol S.L.", "B50000002", "es")
    good_client = contact("Cliente Bien S.A.", "A50000003", "es")
    no_nif = contact("Talleres Sin NIF", "", "es")
    german = contact("Berlin Autos GmbH", "", "de")
    american = contact("Detroit Motors Inc", "", "us")

    def expense_invoice(name, supplier, day, number, category):
        relationships = {"contact": supplier}
        if category:
            relationships["accounting_category"] = by_prefix[category]
        record = client.create(
            "invoices",
            RecordInput(
                attributes={"kind": "expenses", "issue_date": day, "number": number},
                relationships=relationships,
                items=[line("Material", "100.00", "21", by_prefix[category] if category else None)],
            ),
        )
        quarter.ids[name] = record.id
        return record

    def expense_ticket(name, issuer, day, vat):
        record = client.create(
            "simplified_invoices",
            RecordInput(
                attributes={"kind": "expenses", "issue_date": day, "issuing_name": issuer},
                relationships={"accounting_category": by_prefix["629"]},
                items=[line("Consumición", "10.00", vat)],
            ),
        )
        quarter.ids[name] = record.id

    def income_invoice(name, customer, day, number, vat):
        record = client.create(
            "invoices",
            RecordInput(
                attributes={"kind": "income", "issue_date": day, "number": number},
                relationships={
                    "contact": customer,
                    "accounting_category": by_prefix["705"],
                    "numeration": quarter.series_id,
                },
                items=[line("Reparación", "200.00", vat, by_prefix["705"])],
            ),
        )
        quarter.ids[name] = record.id

    day = datetime.date
    e1 = expense_invoice("E1", supplier_a, day(2026, 4, 5), "A-1", "629")
    client.upload_attachment(
        book_entry_id=e1.id,
        filename="factura.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        content_type="application/pdf",
    )
    expense_invoice("E2", supplier_a, day(2026, 5, 5), "A-2", "629")
    expense_invoice("E3", supplier_a, day(2026, 6, 5), "A-3", "628")
    expense_invoice("E4", supplier_b, day(2026, 4, 20), "B-1", None)
    expense_ticket("T1", "Bar Pepe", day(2026, 5, 10), "21")
    expense_ticket("T2", "Parking Centro", day(2026, 5, 11), "0")
    income_invoice("I1", good_client, day(2026, 4, 2), "F-1", "21")
    income_invoice("I2", no_nif, day(2026, 4, 15), "F-2", "21")
    income_invoice("I3", german, day(2026, 5, 20), "F-5", "0")
    income_invoice("I4", american, day(2026, 6, 1), "F-6", "0")
    # The next quarter: a scan of Q2 must not see it.
    expense_invoice("OUTSIDE", supplier_a, day(2026, 7, 2), "A-4", "628")
    return quarter


@pytest.fixture
def quarter(quipu) -> Quarter:
    return fill_quarter(quipu)
