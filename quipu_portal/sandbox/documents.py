"""The write rules of book entries: validation, items, totals, numbering, amending and deletion."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from .http import BadRequest, Forbidden, Invalid
from .jsonapi import AMENDING_RELATIONSHIPS, COUNTERPART_FIELDS
from .listing import parse_date
from .money import HUNDRED, ZERO, compute_item, compute_totals, to_decimal

BLANK = "Can not be blank."
NOT_IN_LIST = "is not included in the list"
NOT_FOUND = "does not exist"

PAYMENT_METHODS = {"cash", "bank_transfer", "bank_card", "direct_debit", "paypal", "check", "factoring", ""}
CREDIT_NOTE_REASONS = {f"R{n}" for n in range(1, 9)}
EXEMPT_REASONS = {"R1", "R2", "R3"}
COLLECTION_TYPES = {"R1", "R2", "R3", "R4", "NONE"}
CANARY_ZONES = {"R1", "R2", "R3", "R4", "NONE"}
ITEM_KINDS = {"income": {"current", "reimbursement"}, "expenses": {"current", "assets", "asset"}}
ITEM_PERCENTS = (
    "vat_percent",
    "retention_percent",
    "discount_percent",
    "deductible_vat_percent",
    "deductible_expense_percent",
)
ITEM_CATEGORY_TYPES = {"invoices", "simplified_invoices", "additional_incomes"}
# Payroll costs: PGC 640 "Sueldos y salarios" (paysheets' category is read-only).
PAYSHEET_CATEGORY_PREFIX = 640


class Errors:
    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def add(self, detail: str, pointer: str) -> None:
        self.items.append((detail, pointer))

    def add_once(self, detail: str, pointer: str) -> None:
        if not self.has(pointer):
            self.add(detail, pointer)

    def has(self, pointer: str) -> bool:
        return any(p == pointer for _, p in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise Invalid(self.items)


def attr_pointer(name: str) -> str:
    return f"/data/attributes/{name}"


def rel_pointer(name: str) -> str:
    return f"/data/relationships/{name}"


def document_parts(payload: dict) -> tuple[dict, dict]:
    """(attributes, relationships) of a write payload; 400 when it is not shaped like one."""
    data = payload.get("data")
    if not isinstance(data, dict):
        raise BadRequest("Bad request: the body needs a data object")
    attributes = data.get("attributes") or {}
    relationships = data.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        raise BadRequest("Bad request: attributes and relationships must be objects")
    return attributes, relationships


def parse_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def relationship(relationships: dict, name: str, errors: Errors) -> tuple[bool, int | None]:
    """(present, id) of a to-one relationship; a malformed one is reported and treated as absent."""
    if name not in relationships:
        return False, None
    value = relationships[name]
    data = value.get("data") if isinstance(value, dict) else None
    if data is None:
        return True, None
    record_id = parse_id(data.get("id")) if isinstance(data, dict) else None
    if record_id is None:
        errors.add("is invalid", rel_pointer(name))
        return False, None
    return True, record_id


def relationship_list(relationships: dict, name: str, errors: Errors) -> tuple[bool, list[int]]:
    if name not in relationships:
        return False, []
    value = relationships[name]
    data = value.get("data") if isinstance(value, dict) else None
    if data is None:
        return True, []
    if not isinstance(data, list):
        errors.add("is invalid", rel_pointer(name))
        return False, []
    ids = []
    for linkage in data:
        record_id = parse_id(linkage.get("id")) if isinstance(linkage, dict) else None
        if record_id is None:
            errors.add("is invalid", rel_pointer(name))
        else:
            ids.append(record_id)
    return True, ids


def _date_attr(attributes: dict, name: str, errors: Errors, *, nullable: bool = True):
    value = attributes[name]
    if value in (None, "") and nullable:
        return None
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        errors.add("is not a valid date (YYYY-mm-dd)", attr_pointer(name))
        return None
    return parsed.isoformat()


def _decimal(value, pointer: str, errors: Errors, default=ZERO) -> Decimal:
    if value is None or value == "":
        return default
    try:
        return to_decimal(value)
    except ValueError:
        errors.add("is not a number", pointer)
        return default


# ── numbering ────────────────────────────────────────────────────────────
def numbered(entry: dict) -> bool:
    return entry["type"] in ("additional_incomes", "paysheets") or entry["kind"] == "income"


def format_number(prefix: str | None, sequence: int) -> str:
    if not prefix:
        return str(sequence)
    return f"{prefix}{sequence}" if not prefix[-1].isalnum() else f"{prefix}-{sequence}"


def default_series(account, doc_type: str, amending: bool) -> dict | None:
    candidates = [s for s in account.series.values() if s.get("applicable_to") == doc_type]
    for wanted in (
        lambda s: bool(s.get("amending")) == amending and s.get("default"),
        lambda s: bool(s.get("amending")) == amending,
        lambda s: s.get("default"),
    ):
        matches = [s for s in candidates if wanted(s)]
        if matches:
            return min(matches, key=lambda s: s["id"])
    return None


def assign_number(account, entry: dict) -> None:
    """Next number of the entry's series in its fiscal year (the year of its issue date)."""
    year = entry["issue_date"][:4]
    series = account.series.get(entry.get("numeration_id"))
    highest = 0
    for other in account.entries.values():
        if (
            other["id"] != entry["id"]
            and other.get("numeration_id") == entry.get("numeration_id")
            and other["type"] == entry["type"]
            and other["kind"] == entry["kind"]
            and other["issue_date"][:4] == year
            and other.get("filing_number")
        ):
            highest = max(highest, other["filing_number"])
    entry["filing_number"] = highest + 1
    entry["number"] = format_number(series["prefix"] if series else None, highest + 1)


def number_taken(account, entry: dict) -> bool:
    year = entry["issue_date"][:4]
    for other in account.entries.values():
        if (
            other["id"] != entry["id"]
            and other["type"] == entry["type"]
            and other["kind"] == entry["kind"]
            and other.get("number") == entry["number"]
            and other["issue_date"][:4] == year
            and (numbered(entry) or other.get("contact_id") == entry.get("contact_id"))
        ):
            return True
    return False


# ── items ────────────────────────────────────────────────────────────────
def new_item(account) -> dict:
    return {
        "id": account.new_id(),
        "concept": "",
        "description": "",
        "unitary_amount": ZERO,
        "quantity": Decimal(1),
        "kind": "current",
        "vat_percent": ZERO,
        "retention_percent": ZERO,
        "discount_percent": ZERO,
        "deductible_vat_percent": HUNDRED,
        "deductible_expense_percent": HUNDRED,
        "equivalence_surcharge": False,
        "accounting_category_id": None,
        "accounting_subcategory_id": None,
    }


def apply_items(store, account, entry: dict, data, errors: Errors, existing: list[dict]) -> list[dict]:
    """The item list after a write: ids update, no id creates, missing ones are destroyed."""
    base = "/data/relationships/items"
    if not isinstance(data, list):
        errors.add("is invalid", base)
        return existing
    by_id = {item["id"]: item for item in existing}
    result = []
    for index, raw in enumerate(data):
        pointer = f"{base}/data/{index}"
        if not isinstance(raw, dict):
            errors.add("is invalid", pointer)
            continue
        attributes = raw.get("attributes") or {}
        relationships = raw.get("relationships") or {}
        if "id" in raw and raw["id"] is not None:
            item_id = parse_id(raw["id"])
            if item_id not in by_id:
                errors.add("does not belong to this document", f"{pointer}/id")
                continue
            item = dict(by_id.pop(item_id))
        else:
            item = new_item(account)
            item["equivalence_surcharge"] = bool(entry.get("equivalence_surcharge"))
        if "concept" in attributes:
            item["concept"] = "" if attributes["concept"] is None else str(attributes["concept"])
        if "description" in attributes:
            item["description"] = attributes["description"] or ""
        if not item["concept"].strip():
            errors.add(BLANK, f"{pointer}/attributes/concept")
        for name in ("unitary_amount", "quantity"):
            if name in attributes:
                item[name] = _decimal(attributes[name], f"{pointer}/attributes/{name}", errors, item[name])
        for name in ITEM_PERCENTS:
            if name in attributes:
                value = _decimal(attributes[name], f"{pointer}/attributes/{name}", errors, item[name])
                if not ZERO <= value <= HUNDRED:
                    errors.add("must be between 0 and 100", f"{pointer}/attributes/{name}")
                item[name] = value
        if "kind" in attributes and attributes["kind"] not in (None, ""):
            item["kind"] = str(attributes["kind"])
        if entry["kind"] in ITEM_KINDS and item["kind"] not in ITEM_KINDS[entry["kind"]]:
            errors.add(NOT_IN_LIST, f"{pointer}/attributes/kind")
        if "equivalence_surcharge" in attributes:
            item["equivalence_surcharge"] = bool(attributes["equivalence_surcharge"])
        _item_categories(store, account, entry, item, relationships, pointer, errors)
        if account.verifactu and verifactu_applies(entry):
            new = raw.get("id") is None
            for name in ("kind", "equivalence_surcharge"):
                if new and attributes.get(name) in (None, ""):
                    errors.add(BLANK, f"{pointer}/attributes/{name}")
            if item["accounting_category_id"] is None:
                errors.add_once(BLANK, f"{pointer}/relationships/accounting_category")
        compute_item(item, expenses=entry["kind"] == "expenses")
        result.append(item)
    return result


def _item_categories(store, account, entry, item, relationships, pointer, errors) -> None:
    if not isinstance(relationships, dict):
        return
    sub_errors = Errors()
    has_category, category_id = relationship(relationships, "accounting_category", sub_errors)
    has_sub, sub_id = relationship(relationships, "accounting_subcategory", sub_errors)
    for detail, rel in sub_errors.items:
        errors.add(detail, pointer + rel.replace("/data", ""))
    if not (has_category or has_sub):
        return
    if entry["type"] not in ITEM_CATEGORY_TYPES:
        errors.add(
            "can only be set for invoice, simplified invoice and additional income items",
            f"{pointer}/relationships/accounting_category",
        )
        return
    if has_category:
        if category_id is not None and category_id not in store.categories:
            errors.add(NOT_FOUND, f"{pointer}/relationships/accounting_category")
        item["accounting_category_id"] = category_id
    if has_sub:
        item["accounting_subcategory_id"] = sub_id
    check_subcategory(
        account,
        item["accounting_category_id"],
        item["accounting_subcategory_id"],
        f"{pointer}/relationships/accounting_subcategory",
        errors,
    )


def check_subcategory(account, category_id, sub_id, pointer, errors) -> None:
    if sub_id is None:
        return
    sub = account.subcategories.get(sub_id)
    if sub is None:
        errors.add(NOT_FOUND, pointer)
    elif category_id is None:
        errors.add("needs the accounting category it belongs to", pointer)
    elif sub["accounting_category_id"] != category_id:
        errors.add("does not belong to the accounting category", pointer)


def full_refund_items(account, original: dict) -> list[dict]:
    items = []
    for source in original["items"]:
        item = dict(source)
        item["id"] = account.new_id()
        item["quantity"] = -source["quantity"]
        compute_item(item, expenses=original["kind"] == "expenses")
        items.append(item)
    return items


# ── counterparts ─────────────────────────────────────────────────────────
def snapshot_counterparts(account, entry: dict) -> None:
    """Copy the owner's and the contact's details onto the document, as Quipu does on every save."""
    owner = account.owner
    contact = account.contacts.get(entry.get("contact_id"))
    if contact:
        other = {name: contact.get(name) or "" for name in COUNTERPART_FIELDS}
    else:
        side = "issuing" if entry["kind"] == "expenses" and entry["type"] != "paysheets" else "recipient"
        other = {name: entry.get(f"{side}_{name}") or "" for name in COUNTERPART_FIELDS}
    if entry["type"] == "paysheets" or entry["kind"] == "income":
        issuing, recipient = owner, other
    else:
        issuing, recipient = other, owner
    for name in COUNTERPART_FIELDS:
        entry[f"issuing_{name}"] = issuing.get(name) or ""
        entry[f"recipient_{name}"] = recipient.get(name) or ""
    if entry["type"] == "paysheets" or entry["kind"] == "income":
        entry["counterpart_name"] = entry["recipient_name"]
    else:
        entry["counterpart_name"] = entry["issuing_name"]


# ── create / update ──────────────────────────────────────────────────────
def new_entry(account, doc_type: str) -> dict:
    entry = {
        "id": account.new_id(),
        "type": doc_type,
        "kind": {"paysheets": "expenses", "additional_incomes": "income"}.get(doc_type),
        "number": None,
        "filing_number": None,
        "issue_date": None,
        "due_dates": [],
        "paid_at": None,
        "payment_method": "",
        "tags": "",
        "notes": None,
        "last_sent_at": None,
        "validation_status": "pending",
        "contact_id": None,
        "numeration_id": None,
        "accounting_category_id": None,
        "accounting_subcategory_id": None,
        "analytic_category_ids": [],
        "attachment_ids": [],
        "amended_id": None,
        "amending_ids": [],
        "credit_note_reason": None,
        "exempt_reason": None,
        "collection_type": None,
        "canary_island_special_zone": None,
        "equivalence_surcharge": False,
        "items": [],
    }
    if doc_type == "paysheets":
        for name in ("net_pay", "employee_ss_amount", "employee_retention", "company_ss_amount"):
            entry[name] = ZERO
    return entry


def save_entry(store, account, doc_type: str, payload: dict, *, existing: dict | None = None) -> dict:
    """Validate a POST (existing is None) or PATCH payload and store the result; 422 on errors."""
    attributes, relationships = document_parts(payload)
    errors = Errors()
    creating = existing is None
    entry = new_entry(account, doc_type) if creating else _copy(existing)
    today = date.fromtimestamp(store.now()).isoformat()

    amended_name = AMENDING_RELATIONSHIPS.get(doc_type, (None,))[0]
    amends = bool(creating and amended_name and amended_name in relationships)
    original = _amended_original(account, doc_type, relationships, amended_name, errors) if amends else None

    _apply_attributes(entry, attributes, errors, creating=creating)
    _apply_relationships(store, account, entry, relationships, errors)
    if original is not None:
        _fill_from_original(account, entry, original, relationships, today)
    if "items" in relationships and doc_type != "paysheets":
        items_value = relationships["items"]
        data = items_value.get("data") if isinstance(items_value, dict) else None
        entry["items"] = apply_items(store, account, entry, data or [], errors, entry["items"])
    _due_dates_from_intervals(entry, errors)
    _check_required(entry, errors, amending=amends)
    if account.verifactu and verifactu_applies(entry):
        _check_verifactu(account, entry, errors, amending=amends)
    errors.raise_if_any()

    compute_totals(entry)
    snapshot_counterparts(account, entry)
    if creating and numbered(entry) and "numeration" not in relationships and entry["numeration_id"] is None:
        series = default_series(account, doc_type, amending=original is not None)
        entry["numeration_id"] = series["id"] if series else None
    _number(account, entry, existing)

    account.entries[entry["id"]] = entry
    if original is not None:
        original["amending_ids"] = [*original.get("amending_ids", ()), entry["id"]]
    account.touch()
    return entry


def _number(account, entry: dict, existing: dict | None) -> None:
    """Blank numbers of income documents come from their series; given ones must be unique."""
    series = account.series.get(entry.get("numeration_id"))
    prefix = series["prefix"] if series else None
    filing = entry.pop("pending_filing_number", None)
    if filing is not None and not entry.get("number"):
        if filing.isdigit() and series:
            entry["number"] = format_number(prefix, int(filing))
        else:
            entry["number"] = filing
    number = entry.get("number")
    if existing is not None and number == existing.get("number"):
        return
    if number in (None, ""):
        if numbered(entry):
            assign_number(account, entry)
        return
    entry["filing_number"] = None
    match = re.fullmatch(re.escape(format_number(prefix, 0))[:-1] + r"(\d+)", number) if prefix else None
    if match or (not prefix and number.isdigit()):
        entry["filing_number"] = int(match.group(1) if match else number)
    if number_taken(account, entry):
        detail = "has already been taken" if numbered(entry) else "has already been taken for this supplier"
        raise Invalid([(detail + " in this fiscal year", attr_pointer("number"))])


def _copy(entry: dict) -> dict:
    copied = dict(entry)
    copied["items"] = [dict(item) for item in entry.get("items", ())]
    for name in ("due_dates", "analytic_category_ids", "attachment_ids", "amending_ids"):
        copied[name] = list(entry.get(name, ()))
    return copied


def _apply_attributes(entry: dict, attributes: dict, errors: Errors, *, creating: bool) -> None:
    doc_type = entry["type"]
    if "kind" in attributes and doc_type in ("invoices", "tickets", "simplified_invoices"):
        kind = attributes["kind"]
        if kind not in ("income", "expenses"):
            errors.add(NOT_IN_LIST, attr_pointer("kind"))
        elif not creating and kind != entry["kind"]:
            errors.add("can not be changed", attr_pointer("kind"))
        else:
            entry["kind"] = kind
    if "issue_date" in attributes:
        entry["issue_date"] = _date_attr(attributes, "issue_date", errors, nullable=True)
    if "due_dates" in attributes:
        value = attributes["due_dates"]
        if value is None:
            entry["due_dates"] = []
        elif not isinstance(value, list):
            errors.add("must be a list of dates", attr_pointer("due_dates"))
        else:
            parsed = [parse_date(v) if isinstance(v, str) else None for v in value]
            if any(p is None for p in parsed):
                errors.add("is not a valid date (YYYY-mm-dd)", attr_pointer("due_dates"))
            else:
                entry["due_dates"] = sorted(p.isoformat() for p in parsed)
    if "due_date_intervals" in attributes and "due_dates" not in attributes:
        entry["pending_due_intervals"] = attributes["due_date_intervals"]
    if "paid_at" in attributes:
        entry["paid_at"] = _date_attr(attributes, "paid_at", errors)
    if "payment_method" in attributes:
        method = attributes["payment_method"] or ""
        if method not in PAYMENT_METHODS:
            errors.add(NOT_IN_LIST, attr_pointer("payment_method"))
        else:
            entry["payment_method"] = method
    if "tags" in attributes:
        tags = attributes["tags"]
        entry["tags"] = ", ".join(tags) if isinstance(tags, list) else (tags or "")
    if "notes" in attributes:
        entry["notes"] = attributes["notes"]
    if "last_sent_at" in attributes:
        entry["last_sent_at"] = _timestamp(attributes["last_sent_at"], errors)
    for name in ("number", "complete_number"):
        if name in attributes and attributes[name] not in (None, ""):
            entry["number"] = str(attributes[name])
    if creating and attributes.get("filing_number") not in (None, ""):
        entry["pending_filing_number"] = str(attributes["filing_number"])
    reason = attributes.get("credit_note_reason", attributes.get("counter_reason"))
    if reason not in (None, ""):
        if str(reason).upper() not in CREDIT_NOTE_REASONS:
            name = "credit_note_reason" if "credit_note_reason" in attributes else "counter_reason"
            errors.add(NOT_IN_LIST, attr_pointer(name))
        else:
            entry["credit_note_reason"] = str(reason).upper()
    for name, allowed in (
        ("exempt_reason", EXEMPT_REASONS),
        ("collection_type", COLLECTION_TYPES),
        ("canary_island_special_zone", CANARY_ZONES),
    ):
        if attributes.get(name) not in (None, ""):
            if str(attributes[name]).upper() not in allowed:
                errors.add(NOT_IN_LIST, attr_pointer(name))
            else:
                entry[name] = str(attributes[name])
    if "equivalence_surcharge" in attributes:
        entry["equivalence_surcharge"] = bool(attributes["equivalence_surcharge"])
    # Counterpart names are writable only where the document has no contact to take them from.
    kind = entry.get("kind")
    if doc_type in ("tickets", "simplified_invoices") and kind == "expenses" and "issuing_name" in attributes:
        entry["issuing_name"] = attributes["issuing_name"] or ""
    if doc_type in ("tickets", "simplified_invoices", "additional_incomes") and kind == "income":
        if "recipient_name" in attributes:
            entry["recipient_name"] = attributes["recipient_name"] or ""
        if attributes.get("target_country"):
            entry["recipient_country_code"] = str(attributes["target_country"]).lower()
    if doc_type == "paysheets":
        for name in ("net_pay", "employee_ss_amount", "employee_retention", "company_ss_amount"):
            if name in attributes:
                entry[name] = _decimal(attributes[name], attr_pointer(name), errors, entry[name])


def _timestamp(value, errors: Errors):
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).timestamp())
        except ValueError:
            pass
    errors.add("is not a valid time", attr_pointer("last_sent_at"))
    return None


def _apply_relationships(store, account, entry: dict, relationships: dict, errors: Errors) -> None:
    doc_type = entry["type"]
    present, contact_id = relationship(relationships, "contact", errors)
    if present and doc_type != "tickets":
        if contact_id is not None and contact_id not in account.contacts:
            errors.add(NOT_FOUND, rel_pointer("contact"))
        entry["contact_id"] = contact_id
    present, series_id = relationship(relationships, "numeration", errors)
    if present:
        series = account.series.get(series_id)
        if series_id is not None and series is None:
            errors.add(NOT_FOUND, rel_pointer("numeration"))
        elif series is not None and series.get("applicable_to") not in (doc_type, None):
            errors.add(f"is not applicable to {doc_type}", rel_pointer("numeration"))
        entry["numeration_id"] = series_id
    if doc_type == "paysheets":
        category = store.categories_by_prefix.get(PAYSHEET_CATEGORY_PREFIX)
        entry["accounting_category_id"] = category["id"] if category else None
    else:
        present, category_id = relationship(relationships, "accounting_category", errors)
        if present:
            if category_id is not None and category_id not in store.categories:
                errors.add(NOT_FOUND, rel_pointer("accounting_category"))
            entry["accounting_category_id"] = category_id
    present, sub_id = relationship(relationships, "accounting_subcategory", errors)
    if present:
        entry["accounting_subcategory_id"] = sub_id
    if present or "accounting_category" in relationships:
        check_subcategory(
            account,
            entry["accounting_category_id"],
            entry["accounting_subcategory_id"],
            rel_pointer("accounting_subcategory"),
            errors,
        )
    present, analytic_ids = relationship_list(relationships, "analytic_categories", errors)
    if present:
        for analytic_id in analytic_ids:
            category = account.analytic_categories.get(analytic_id)
            if category is None:
                errors.add(NOT_FOUND, rel_pointer("analytic_categories"))
            elif category.get("parent_id") is None:
                errors.add("can not be a root analytic category", rel_pointer("analytic_categories"))
        entry["analytic_category_ids"] = analytic_ids


def _amended_original(account, doc_type, relationships, name, errors) -> dict | None:
    _present, original_id = relationship(relationships, name, errors)
    original = account.entries.get(original_id)
    if original is None or original["type"] != doc_type:
        errors.add(NOT_FOUND, rel_pointer(name))
        return None
    if original.get("amended_id"):
        errors.add("is itself an amending document", rel_pointer(name))
        return None
    if "items" not in relationships and original.get("amending_ids"):
        errors.add("has already been amended; send the items of a partial amendment", rel_pointer(name))
        return None
    return original


def _fill_from_original(account, entry, original, relationships, today) -> None:
    entry["amended_id"] = original["id"]
    entry["kind"] = original["kind"]
    for name in ("accounting_category_id", "accounting_subcategory_id", "payment_method"):
        if not entry.get(name):
            entry[name] = original.get(name)
    if "contact" not in relationships:
        entry["contact_id"] = original.get("contact_id")
    for side in ("issuing", "recipient"):
        if not entry.get(f"{side}_name"):
            entry[f"{side}_name"] = original.get(f"{side}_name")
    if not entry.get("issue_date"):
        entry["issue_date"] = today
    if not entry.get("credit_note_reason") and not account.verifactu:
        entry["credit_note_reason"] = "R1"
    if "numeration" not in relationships:
        series = default_series(account, entry["type"], amending=True)
        entry["numeration_id"] = series["id"] if series else original.get("numeration_id")
    if "items" not in relationships:
        entry["items"] = full_refund_items(account, original)


def _due_dates_from_intervals(entry: dict, errors: Errors) -> None:
    """``due_date_intervals``: days after the issue date (openapi.yaml), turned into due dates."""
    intervals = entry.pop("pending_due_intervals", None)
    if intervals is None:
        return
    if not isinstance(intervals, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in intervals
    ):
        errors.add("must be a list of whole days", attr_pointer("due_date_intervals"))
        return
    if entry.get("issue_date"):
        issued = date.fromisoformat(entry["issue_date"])
        entry["due_dates"] = sorted((issued + timedelta(days=days)).isoformat() for days in intervals)


def verifactu_applies(entry: dict) -> bool:
    """Verifactu covers outbound invoices and simplified invoices (not additional income)."""
    return entry.get("kind") == "income" and entry["type"] in ("invoices", "simplified_invoices")


def _check_verifactu(account, entry: dict, errors: Errors, *, amending: bool) -> None:
    """The fields the docs mark REQUIRED FOR VERIFACTU ACCOUNTS."""
    if amending and not entry.get("credit_note_reason"):
        errors.add(BLANK, attr_pointer("counter_reason"))
    items = entry.get("items") or []
    if not items or any(item["vat_percent"] != 0 for item in items):
        return
    if not entry.get("collection_type"):
        errors.add(BLANK, attr_pointer("collection_type"))
    contact = account.contacts.get(entry.get("contact_id"))
    country = (contact or {}).get("country_code") or entry.get("recipient_country_code") or "es"
    if country.lower() != "es" and not entry.get("exempt_reason"):
        errors.add(BLANK, attr_pointer("exempt_reason"))
    canary = str(account.owner.get("zip_code", "")).startswith(("35", "38"))
    if canary and not entry.get("canary_island_special_zone"):
        errors.add(BLANK, attr_pointer("canary_island_special_zone"))


def _check_required(entry: dict, errors: Errors, *, amending: bool) -> None:
    """Blank required fields (a field that already has an error is not reported twice)."""
    doc_type = entry["type"]
    if entry.get("kind") is None:
        if not amending:
            errors.add_once(BLANK, attr_pointer("kind"))
        return
    if not entry.get("issue_date"):
        errors.add_once(BLANK, attr_pointer("issue_date"))
    if doc_type in ("invoices", "paysheets") and entry.get("contact_id") is None and not amending:
        errors.add_once(BLANK, rel_pointer("contact"))
    if entry.get("contact_id") is None and doc_type in (
        "tickets",
        "simplified_invoices",
        "additional_incomes",
    ):
        name = "recipient_name" if entry["kind"] == "income" else "issuing_name"
        if not (entry.get(name) or "").strip():
            errors.add(BLANK, attr_pointer(name))


def delete_entry(account, entry: dict) -> None:
    if entry.get("amending_ids"):
        raise Forbidden()
    original = account.entries.get(entry.get("amended_id"))
    if original is not None and entry["id"] in original.get("amending_ids", ()):
        original["amending_ids"] = [i for i in original["amending_ids"] if i != entry["id"]]
    for attachment_id in entry.get("attachment_ids", ()):
        account.attachments.pop(attachment_id, None)
    del account.entries[entry["id"]]
    account.touch()
