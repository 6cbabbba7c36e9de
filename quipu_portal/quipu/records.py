"""Typed, immutable records for every Quipu resource, and the inputs for writing them.

Attribute fields carry the API's attribute names; relationship fields (declared with ``to_one`` /
``to_many``) hold ``Ref`` values. ``raw_attributes`` keeps the attributes exactly as received, so a
page can show what a record does not know yet. Parsing lives in ``jsonapi.py``.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar


@dataclass(frozen=True)
class Ref:
    """A relationship linkage: the related record's JSON API type and id."""

    type: str
    id: str


def to_one():
    return field(default=None, metadata={"relationship": "one"})


def to_many():
    return field(default=(), metadata={"relationship": "many"})


@dataclass(frozen=True, kw_only=True)
class Record:
    json_type: ClassVar[str] = ""

    id: str
    type: str = ""
    raw_attributes: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw_relationships: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # Side-loaded records of the document this one came from, by (type, id).
    included: Mapping[tuple[str, str], "Record"] = field(default_factory=dict, repr=False, compare=False)

    def resolve(self, ref: Ref | None) -> "Record | None":
        """The side-loaded record a relationship points to, if the document included it."""
        if ref is None:
            return None
        return self.included.get((ref.type, ref.id))


@dataclass(frozen=True, kw_only=True)
class UnknownRecord(Record):
    """A record of a type this portal does not model; only the raw members are available."""


@dataclass(frozen=True, kw_only=True)
class BookEntryItem(Record):
    json_type = "book_entry_items"

    concept: str | None = None
    description: str | None = None
    kind: str | None = None
    unitary_amount: Decimal | None = None
    quantity: Decimal | None = None
    vat_percent: Decimal | None = None
    retention_percent: Decimal | None = None
    discount_percent: Decimal | None = None
    deductible_vat_percent: Decimal | None = None
    deductible_expense_percent: Decimal | None = None
    equivalence_surcharge: bool | None = None
    vat_amount: Decimal | None = None
    retention_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    deductible_vat_amount: Decimal | None = None
    total_amount: Decimal | None = None
    accounting_category: Ref | None = to_one()
    accounting_subcategory: Ref | None = to_one()


@dataclass(frozen=True, kw_only=True)
class BookEntry(Record):
    """What invoices, tickets, simplified invoices, additional incomes and paysheets share."""

    json_type = "book_entries"

    kind: str | None = None
    number: str | None = None
    issue_date: datetime.date | None = None
    due_dates: tuple[datetime.date, ...] = ()
    paid_at: datetime.date | None = None
    payment_method: str | None = None
    payment_status: str | None = None
    validation_status: str | None = None
    stage: str | None = None
    total_amount: Decimal | None = None
    total_amount_without_taxes: Decimal | None = None
    vat_amount: Decimal | None = None
    retention_amount: Decimal | None = None
    tags: str | None = None
    notes: str | None = None
    accounting_account_code: str | None = None
    issuing_name: str | None = None
    issuing_tax_id: str | None = None
    issuing_address: str | None = None
    issuing_phone: str | None = None
    issuing_town: str | None = None
    issuing_zip_code: str | None = None
    issuing_country_code: str | None = None
    recipient_name: str | None = None
    recipient_tax_id: str | None = None
    recipient_address: str | None = None
    recipient_phone: str | None = None
    recipient_town: str | None = None
    recipient_zip_code: str | None = None
    recipient_country_code: str | None = None
    contact: Ref | None = to_one()
    accounting_category: Ref | None = to_one()
    accounting_subcategory: Ref | None = to_one()
    numeration: Ref | None = to_one()
    analytic_categories: tuple[Ref, ...] = to_many()
    attachments: tuple[Ref, ...] = to_many()
    item_refs: tuple[Ref, ...] = field(default=(), repr=False)
    items: tuple[BookEntryItem, ...] = ()

    @property
    def items_loaded(self) -> bool:
        """True when every item the record links to came in ``included`` (``include=items``)."""
        return len(self.items) == len(self.item_refs)

    @property
    def counterpart_name(self) -> str | None:
        return self.recipient_name if self.kind == "income" else self.issuing_name


@dataclass(frozen=True, kw_only=True)
class Invoice(BookEntry):
    json_type = "invoices"

    filing_number: str | None = None
    complete_number: str | None = None
    last_sent_at: int | datetime.datetime | None = None
    download_pdf_url: str | None = None
    ephemeral_open_download_pdf_url: str | None = None
    equivalence_surcharge: bool | None = None
    credit_note_reason: str | None = None
    counter_reason: str | None = None
    exempt_reason: str | None = None
    collection_type: str | None = None
    canary_island_special_zone: str | None = None
    concepts: tuple[str, ...] = ()
    amended_invoice: Ref | None = to_one()
    amending_invoices: tuple[Ref, ...] = to_many()


@dataclass(frozen=True, kw_only=True)
class Ticket(BookEntry):
    json_type = "tickets"

    download_pdf_url: str | None = None
    amended_ticket: Ref | None = to_one()
    amending_tickets: tuple[Ref, ...] = to_many()


@dataclass(frozen=True, kw_only=True)
class SimplifiedInvoice(BookEntry):
    json_type = "simplified_invoices"

    filing_number: str | None = None
    complete_number: str | None = None
    download_pdf_url: str | None = None
    target_country: str | None = None
    credit_note_reason: str | None = None
    counter_reason: str | None = None
    exempt_reason: str | None = None
    collection_type: str | None = None
    canary_island_special_zone: str | None = None
    amended_simplified_invoice: Ref | None = to_one()
    amending_simplified_invoices: tuple[Ref, ...] = to_many()


@dataclass(frozen=True, kw_only=True)
class AdditionalIncome(BookEntry):
    json_type = "additional_incomes"

    filing_number: str | None = None
    complete_number: str | None = None
    download_pdf_url: str | None = None
    target_country: str | None = None


@dataclass(frozen=True, kw_only=True)
class Paysheet(BookEntry):
    json_type = "paysheets"

    net_pay: Decimal | None = None
    gross_pay: Decimal | None = None
    employee_ss_amount: Decimal | None = None
    employee_retention: Decimal | None = None
    company_ss_amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class Contact(Record):
    json_type = "contacts"

    name: str | None = None
    tax_id: str | None = None
    document_type: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    town: str | None = None
    zip_code: str | None = None
    country_code: str | None = None
    description: str | None = None
    client_number: str | None = None
    supplier_number: str | None = None
    employee_number: str | None = None
    is_client: bool | None = None
    is_supplier: bool | None = None
    is_employee: bool | None = None
    is_supplier_of_direct_goods: bool | None = None
    bank_account_number: str | None = None
    bank_account_swift_bic: str | None = None
    account_code: str | None = None
    deletable: bool | None = None
    total_paid_incomes: Decimal | None = None
    total_unpaid_incomes: Decimal | None = None
    total_incomes: Decimal | None = None
    total_paid_expenses: Decimal | None = None
    total_unpaid_expenses: Decimal | None = None
    total_expenses: Decimal | None = None
    pdf_language: str | None = None
    incomes_due_date: str | None = None
    incomes_payment_method: str | None = None
    expenses_due_date: str | None = None
    expenses_payment_method: str | None = None
    equivalence_subcharge: bool | None = None
    contact_analytic_value_ids: str | None = None
    expense_category: Ref | None = to_one()
    expense_subcategory: Ref | None = to_one()
    income_category: Ref | None = to_one()
    income_subcategory: Ref | None = to_one()


@dataclass(frozen=True, kw_only=True)
class NumberingSeries(Record):
    json_type = "numbering_series"

    prefix: str | None = None
    applicable_to: str | None = None
    applies_to: str | None = None
    default: bool | None = None
    amending: bool | None = None
    deletable: bool | None = None
    is_valid: bool | None = None


@dataclass(frozen=True, kw_only=True)
class AccountingCategory(Record):
    json_type = "accounting_categories"

    name: str | None = None
    prefix: str | None = None
    kind: str | None = None
    active: bool | None = None
    accounting_digits_number: int | None = None


@dataclass(frozen=True, kw_only=True)
class AccountingSubcategory(Record):
    json_type = "accounting_subcategories"

    name: str | None = None
    suffix: str | None = None
    accounting_category: Ref | None = to_one()


@dataclass(frozen=True, kw_only=True)
class AnalyticCategory(Record):
    json_type = "analytic_categories"

    name: str | None = None
    root: bool | None = None
    parent: Ref | None = to_one()
    children: tuple[Ref, ...] = to_many()

    @property
    def is_root(self) -> bool:
        return self.parent is None


@dataclass(frozen=True, kw_only=True)
class Attachment(Record):
    json_type = "attachments"

    url: str | None = None
    small_url: str | None = None
    thumbnail_url: str | None = None
    filename: str | None = None
    content_type: str | None = None
    book_entry: Ref | None = to_one()


@dataclass(frozen=True, kw_only=True)
class User(Record):
    json_type = "users"

    email: str | None = None
    name: str | None = None
    surnames: str | None = None
    locale: str | None = None
    is_full_admin: bool | None = None


def account_code(category: AccountingCategory, subcategory: AccountingSubcategory | None = None) -> str:
    """The ledger account: the category prefix, padded with the subcategory suffix (629 + 2 -> 62900002)."""
    prefix = category.prefix or ""
    if subcategory is None or subcategory.suffix in (None, ""):
        return prefix
    digits = category.accounting_digits_number or 8
    suffix = str(subcategory.suffix)
    return prefix + suffix.rjust(max(digits - len(prefix), len(suffix)), "0")


RECORD_TYPES: dict[str, type[Record]] = {
    cls.json_type: cls
    for cls in (
        BookEntryItem,
        Invoice,
        Ticket,
        SimplifiedInvoice,
        AdditionalIncome,
        Paysheet,
        Contact,
        NumberingSeries,
        AccountingCategory,
        AccountingSubcategory,
        AnalyticCategory,
        Attachment,
        User,
    )
}
# Other spellings of the same types seen in the docs and in live data.
TYPE_ALIASES = {"items": "book_entry_items", "additional_income": "additional_incomes"}


def canonical_type(json_type: str) -> str:
    return TYPE_ALIASES.get(json_type, json_type)


# Inputs ---------------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """One item to send: with ``id`` it updates that item, without it creates one."""

    attributes: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    relationships: dict[str, str | None] = field(default_factory=dict)


@dataclass
class RecordInput:
    """What to write. Relationships map a name to an id, a list of ids or None (clear it).

    ``items=None`` sends no items (Quipu keeps them); a list replaces the whole item list, so an
    update must carry every item to keep, with its id.
    """

    attributes: dict[str, Any] = field(default_factory=dict)
    relationships: dict[str, str | list[str] | None] = field(default_factory=dict)
    items: list[ItemInput] | None = None
