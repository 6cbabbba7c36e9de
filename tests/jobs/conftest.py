"""An accountant with a connection to a fresh sandbox account, and helpers to fill it and run jobs."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from quipu_portal.bulk_categories.changes import CategoryChange, category_state
from quipu_portal.bulk_categories.services import bulk_categories_preview
from quipu_portal.connections.services import client_for
from quipu_portal.jobs.models import Job
from quipu_portal.quipu.records import ItemInput, RecordInput
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import Selection
from tests.helpers import read_to_end

EXPENSES_2025 = {"kind": "expenses", "period": "2025"}


@pytest.fixture
def quipu(connection):
    """A client on the same account, to arrange data and to check what Quipu really holds."""
    with client_for(connection) as client:
        yield client


@pytest.fixture
def portal(client, accountant, connection):
    client.force_login(accountant)
    return client


class Targets:
    """The categories the tests move documents to, found by their account prefix."""

    def __init__(self, client):
        refdata = reference_data(client, refresh=True)
        by_prefix = {c.prefix: c for c in refdata.accounting_categories}
        self.category = by_prefix["629"]
        self.old_category = by_prefix["600"]
        self.income_category = by_prefix["705"]
        self.subcategory = client.create(
            "accounting_subcategories",
            RecordInput(
                attributes={"name": "Limpieza", "suffix": "7"},
                relationships={"accounting_category": self.category.id},
            ),
        )
        self.analytic_leaf = next(c for c in refdata.analytic_categories if not c.is_root)
        self.analytic_root = next(c for c in refdata.analytic_categories if c.is_root)
        reference_data(client, refresh=True)


@pytest.fixture
def targets(quipu):
    return Targets(quipu)


def change_to(targets, **overrides) -> CategoryChange:
    values = {
        "scope": "both",
        "category_id": targets.category.id,
        "category_kind": "expenses",
        "subcategory_id": targets.subcategory.id,
        "analytic_action": "add",
        "analytic_ids": (targets.analytic_leaf.id,),
    }
    values.update(overrides)
    return CategoryChange(**values)


def _items(count: int, category=None, sub=None) -> list[ItemInput]:
    relationships = {}
    if category:
        relationships = {"accounting_category": category, "accounting_subcategory": sub}
    return [
        ItemInput(
            attributes={
                "concept": f"Material {n}",
                "unitary_amount": Decimal(f"{10 + n}.25"),
                "quantity": Decimal("3"),
                "vat_percent": Decimal("21"),
                "description": f"Line {n}",
            },
            relationships=dict(relationships),
        )
        for n in range(count)
    ]


def add_expense_documents(client, targets, *, invoices=0, simplified=0, tickets=0, matching=0):
    """Expense documents of 2025 with the old category; ``matching`` invoices already have the target."""
    supplier = next(iter(client.iterate("contacts", filters={"kind": "supplier"}, page_size=5)), None)
    contact_id = supplier.id if supplier else next(iter(client.iterate("contacts", page_size=1))).id
    day = datetime.date(2025, 2, 1)
    created = []
    for n in range(invoices):
        created.append(
            client.create(
                "invoices",
                RecordInput(
                    attributes={"kind": "expenses", "issue_date": day, "number": f"B-{n}"},
                    relationships={"contact": contact_id, "accounting_category": targets.old_category.id},
                    items=_items(2, targets.old_category.id),
                ),
            )
        )
    for n in range(simplified):
        created.append(
            client.create(
                "simplified_invoices",
                RecordInput(
                    attributes={
                        "kind": "expenses",
                        "issue_date": day,
                        "number": f"S-{n}",
                        "issuing_name": "Gasolinera",
                    },
                    relationships={"accounting_category": targets.old_category.id},
                    items=_items(1),
                ),
            )
        )
    for n in range(tickets):
        created.append(
            client.create(
                "tickets",
                RecordInput(
                    attributes={
                        "kind": "expenses",
                        "issue_date": day,
                        "number": f"T-{n}",
                        "issuing_name": "Parking",
                    },
                    relationships={"accounting_category": targets.old_category.id},
                    items=_items(1),
                ),
            )
        )
    for n in range(matching):
        created.append(
            client.create(
                "invoices",
                RecordInput(
                    attributes={"kind": "expenses", "issue_date": day, "number": f"M-{n}"},
                    relationships={
                        "contact": contact_id,
                        "accounting_category": targets.category.id,
                        "accounting_subcategory": targets.subcategory.id,
                        "analytic_categories": [targets.analytic_leaf.id],
                    },
                    items=_items(2, targets.category.id, targets.subcategory.id),
                ),
            )
        )
    return created


def snapshot(client, filters=EXPENSES_2025) -> dict:
    """Every listed document by (type, id): its category state and its lines' attributes."""
    found = {}
    for record in client.iterate("book_entries", filters=filters, include=["items"], page_size=100):
        lines = [
            {key: value for key, value in item.raw_attributes.items()} | {"id": item.id}
            for item in record.items
        ]
        found[(record.type, record.id)] = {"state": category_state(record), "lines": lines, "record": record}
    return found


def preview(owner, connection, client, change, *, filters=EXPENSES_2025, ids=None) -> Job:
    """The preview as the accountant's page view makes it (in English, their language here)."""
    with translation.override("en"):
        job = bulk_categories_preview(
            owner=owner,
            connection=connection,
            client=client,
            selection=Selection(
                namespace="book_entries", filters=dict(filters), sort=["-issue_date"], ids=ids
            ),
            change=change,
            title="test",
        )
        return read_to_end(job)
