"""What the docs say about each resource, in one registry the generic admin layer reads.

Writable and read-only attributes are the union of the Markdown reference and openapi.yaml (see
BEHAVIOUR.md); READ ONLY attributes are never sent.
"""

from dataclasses import dataclass, field

from . import records
from .contract import ITEM_AMOUNT_FIELDS

PAYMENT_METHODS = ("cash", "bank_transfer", "bank_card", "direct_debit", "paypal", "check", "factoring")


@dataclass(frozen=True)
class RelationshipSpec:
    type: str  # JSON API type of the related records
    many: bool = False
    writable: bool = True


@dataclass(frozen=True)
class ResourceSpec:
    name: str  # the API path name, also the client's resource argument
    path: str
    json_type: str
    record: type[records.Record]
    writable: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    relationships: dict[str, RelationshipSpec] = field(default_factory=dict)
    includes: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    sorts: tuple[str, ...] = ()
    has_items: bool = False
    # Items of invoices, simplified invoices and additional incomes may carry their own categories.
    item_categories: bool = False
    actions: tuple[str, ...] = ("list", "retrieve", "create", "update", "delete")
    # Attributes writable only for one kind (e.g. issuing_name on expense tickets).
    writable_for_kind: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def writable_attributes(self, kind: str | None = None) -> tuple[str, ...]:
        return self.writable + self.writable_for_kind.get(kind or "", ())

    @property
    def writable_relationships(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.relationships.items() if spec.writable)


PARTY_FIELDS = tuple(
    f"{side}_{name}"
    for side in ("issuing", "recipient")
    for name in ("name", "tax_id", "address", "phone", "town", "zip_code", "country_code")
)
BOOK_ENTRY_READ_ONLY = (
    "payment_status",
    "total_amount",
    "total_amount_without_taxes",
    "vat_amount",
    "retention_amount",
    "stage",
    "validation_status",
    "accounting_account_code",
    "download_pdf_url",
    "ephemeral_open_download_pdf_url",
    "concepts",
    "detailed_amounts",
    "document_type",
    *PARTY_FIELDS,
)
BOOK_ENTRY_FILTERS = (
    "type",
    "kind",
    "q",
    "period",
    "payment_status",
    "contact_id",
    "field_query",
    "validation_status",
)
BOOK_ENTRY_SORTS = ("number", "issue_date", "counterpart_name", "total_amount", "total_amount_without_taxes")
ITEM_WRITABLE = ("concept", "description", "kind", *ITEM_AMOUNT_FIELDS, "equivalence_surcharge")
ITEM_READ_ONLY = (
    "id",
    "vat_amount",
    "retention_amount",
    "discount_amount",
    "deductible_vat_amount",
    "total_amount",
)
ITEM_RELATIONSHIPS = {
    "accounting_category": RelationshipSpec("accounting_categories"),
    "accounting_subcategory": RelationshipSpec("accounting_subcategories"),
}


ATTACHMENTS = RelationshipSpec("attachments", many=True, writable=False)


def _amendments(resource: str) -> dict[str, RelationshipSpec]:
    """A document that credit notes amend: the one a credit note points at, and those pointing at it."""
    return {
        f"amended_{resource.removesuffix('s')}": RelationshipSpec(resource),
        f"amending_{resource}": RelationshipSpec(resource, many=True, writable=False),
    }


def _book_entry_relationships(**extra: RelationshipSpec) -> dict[str, RelationshipSpec]:
    return {
        "contact": RelationshipSpec("contacts"),
        "accounting_category": RelationshipSpec("accounting_categories"),
        "accounting_subcategory": RelationshipSpec("accounting_subcategories"),
        "numeration": RelationshipSpec("numbering_series"),
        "analytic_categories": RelationshipSpec("analytic_categories", many=True),
        **extra,
    }


COMMON_WRITABLE = ("issue_date", "paid_at", "payment_method", "tags", "notes")
SALES_WRITABLE = ("number", "complete_number", "filing_number", "due_dates")
VERIFACTU_WRITABLE = (
    "credit_note_reason",
    "counter_reason",
    "exempt_reason",
    "collection_type",
    "canary_island_special_zone",
)

RESOURCES: dict[str, ResourceSpec] = {}


def _register(name: str, record: type[records.Record], **fields) -> None:
    """Add a resource whose API path and JSON API type are its name."""
    RESOURCES[name] = ResourceSpec(name=name, path=name, json_type=name, record=record, **fields)


def _register_book_entry(name: str, record: type[records.Record], **fields) -> None:
    """Add a book entry kind: read-only attributes, filters and sorts default to the book entries'."""
    defaults = {"read_only": BOOK_ENTRY_READ_ONLY, "filters": BOOK_ENTRY_FILTERS, "sorts": BOOK_ENTRY_SORTS}
    _register(name, record, **{**defaults, **fields})


_register(
    "contacts",
    records.Contact,
    writable=(
        "name",
        "tax_id",
        "document_type",
        "phone",
        "email",
        "address",
        "town",
        "zip_code",
        "country_code",
        "description",
        "client_number",
        "supplier_number",
        "employee_number",
        "is_supplier_of_direct_goods",
        "bank_account_number",
        "bank_account_swift_bic",
        # Defaults for the contact's new documents (openapi.yaml ContactWritable).
        "pdf_language",
        "incomes_due_date",
        "incomes_payment_method",
        "expenses_due_date",
        "expenses_payment_method",
        "equivalence_subcharge",
        "contact_analytic_value_ids",
    ),
    read_only=(
        "total_paid_incomes",
        "total_unpaid_incomes",
        "total_incomes",
        "total_paid_expenses",
        "total_unpaid_expenses",
        "total_expenses",
        "is_client",
        "is_supplier",
        "is_employee",
        "deletable",
        "account_code",
    ),
    relationships={
        "expense_category": RelationshipSpec("accounting_categories"),
        "expense_subcategory": RelationshipSpec("accounting_subcategories"),
        "income_category": RelationshipSpec("accounting_categories"),
        "income_subcategory": RelationshipSpec("accounting_subcategories"),
    },
    filters=("q", "kind", "tax_id", "country", "email"),
    sorts=(
        "name",
        "total_paid_income",
        "total_unpaid_income",
        "total_paid_expenses",
        "total_unpaid_expenses",
    ),
)
_register_book_entry(
    "book_entries",
    records.BookEntry,
    relationships=_book_entry_relationships(items=RelationshipSpec("book_entry_items", many=True)),
    includes=("items", "contact", "accounting_category", "accounting_subcategory"),
    has_items=True,
    actions=("list",),
)
_register_book_entry(
    "invoices",
    records.Invoice,
    writable=("kind", *COMMON_WRITABLE, *SALES_WRITABLE, *VERIFACTU_WRITABLE, "equivalence_surcharge")
    + ("last_sent_at",),
    relationships=_book_entry_relationships(**_amendments("invoices"), attachments=ATTACHMENTS),
    includes=("items", "contact", "accounting_category", "accounting_subcategory"),
    has_items=True,
    item_categories=True,
)
_register_book_entry(
    "tickets",
    records.Ticket,
    writable=("kind", "number", *COMMON_WRITABLE),
    writable_for_kind={"expenses": ("issuing_name",), "income": ("recipient_name",)},
    relationships=_book_entry_relationships(**_amendments("tickets")),
    includes=("items",),
    has_items=True,
)
_register_book_entry(
    "simplified_invoices",
    records.SimplifiedInvoice,
    writable=("kind", *COMMON_WRITABLE, *SALES_WRITABLE, *VERIFACTU_WRITABLE, "target_country"),
    writable_for_kind={"expenses": ("issuing_name",), "income": ("recipient_name",)},
    relationships=_book_entry_relationships(**_amendments("simplified_invoices"), attachments=ATTACHMENTS),
    includes=("items", "accounting_category", "accounting_subcategory", "attachments"),
    has_items=True,
    item_categories=True,
)
_register_book_entry(
    "additional_incomes",
    records.AdditionalIncome,
    writable=("kind", *COMMON_WRITABLE, *SALES_WRITABLE, "recipient_name", "target_country"),
    read_only=tuple(name for name in BOOK_ENTRY_READ_ONLY if name != "recipient_name"),
    relationships=_book_entry_relationships(attachments=ATTACHMENTS),
    includes=("items", "accounting_category", "accounting_subcategory", "attachments"),
    has_items=True,
    item_categories=True,
)
_register_book_entry(
    "paysheets",
    records.Paysheet,
    writable=(
        "number",
        *COMMON_WRITABLE,
        "net_pay",
        "employee_ss_amount",
        "employee_retention",
        "company_ss_amount",
    ),
    read_only=(*BOOK_ENTRY_READ_ONLY, "kind", "gross_pay"),
    relationships={
        **_book_entry_relationships(attachments=ATTACHMENTS),
        "accounting_category": RelationshipSpec("accounting_categories", writable=False),
    },
    includes=("contact", "accounting_category", "accounting_subcategory", "attachments"),
    sorts=BOOK_ENTRY_SORTS,
)
_register(
    "numbering_series",
    records.NumberingSeries,
    writable=("prefix", "applicable_to", "applies_to", "default", "amending"),
    read_only=("deletable", "is_valid"),
    filters=("prefix", "applicable_to", "amending", "applies_to"),
)
_register(
    "analytic_categories",
    records.AnalyticCategory,
    writable=("name",),
    read_only=("root",),
    relationships={
        "parent": RelationshipSpec("analytic_categories"),
        "children": RelationshipSpec("analytic_categories", many=True, writable=False),
    },
)
_register(
    "accounting_categories",
    records.AccountingCategory,
    read_only=("name", "prefix", "kind", "active", "accounting_digits_number"),
    filters=("kind", "prefix", "id", "active"),
    actions=("list", "retrieve"),
)
_register(
    "accounting_subcategories",
    records.AccountingSubcategory,
    writable=("name", "suffix"),
    relationships={"accounting_category": RelationshipSpec("accounting_categories")},
    filters=("accounting_category_id",),
)
_register(
    "attachments",
    records.Attachment,
    read_only=("url", "small_url", "thumbnail_url", "filename", "content_type"),
    relationships={"book_entry": RelationshipSpec("book_entries", writable=False)},
    actions=("retrieve", "create", "delete"),
)
_register(
    "users",
    records.User,
    read_only=("email", "name", "surnames", "locale", "is_full_admin"),
    actions=("list", "retrieve"),
)

# Reference data the portal caches per connection (refdata.py).
REFERENCE_RESOURCES = frozenset(
    {"accounting_categories", "accounting_subcategories", "analytic_categories", "numbering_series"}
)


def resource_spec(name: str) -> ResourceSpec:
    if name == "additional_income":
        name = "additional_incomes"
    try:
        return RESOURCES[name]
    except KeyError:
        raise KeyError(f"Unknown Quipu resource {name!r}; known: {', '.join(sorted(RESOURCES))}") from None


def spec_for_type(json_type: str) -> ResourceSpec | None:
    json_type = records.canonical_type(json_type)
    for spec in RESOURCES.values():
        if spec.json_type == json_type:
            return spec
    return None
