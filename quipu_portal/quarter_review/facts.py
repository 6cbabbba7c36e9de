"""What the review needs to know of one document, read once from Quipu's listing and kept as JSON.

A scan stores these facts on its job's rows; the findings (findings.py) are computed from them
alone, so a review can be worked out again without asking Quipu.
"""

from decimal import Decimal

from quipu_portal.bulk_categories.changes import ITEM_CATEGORY_RESOURCES, resource_of
from quipu_portal.bulk_categories.services import category_label, document_label
from quipu_portal.quipu.records import BookEntry
from quipu_portal.quipu.refdata import ReferenceData

ZERO = Decimal("0")
AMENDED_RELATIONS = ("amended_invoice", "amended_simplified_invoice", "amended_ticket")


def _id(ref) -> str | None:
    return ref.id if ref is not None else None


def _text(value) -> str:
    return str(value or "").strip()


def _deductible_vat(record: BookEntry) -> Decimal:
    """The VAT the document deducts: its lines' deductible VAT, or all of its VAT when Quipu sent no lines."""
    if not record.items:
        return record.vat_amount or ZERO
    total = ZERO
    for item in record.items:
        if item.deductible_vat_amount is not None:
            total += item.deductible_vat_amount
        elif item.vat_amount is not None:
            share = item.deductible_vat_percent if item.deductible_vat_percent is not None else Decimal(100)
            total += item.vat_amount * share / 100
    return total


def _category_kind(refdata: ReferenceData | None, category_id: str | None) -> str:
    category = refdata.accounting_category(category_id) if refdata and category_id else None
    return _text(category.kind) if category is not None else ""


def _series_label(refdata: ReferenceData | None, series_id: str | None) -> str:
    series = refdata.numbering_series_by_id(series_id) if refdata and series_id else None
    return _text(series.prefix) if series is not None else ""


def document_facts(record: BookEntry, refdata: ReferenceData | None) -> dict:
    resource = resource_of(record)
    income = record.kind == "income"
    # The counterpart is the customer on income, the supplier (or employee) on expenses; the owner is the other side.
    if income or resource == "paysheets":
        side, owner_side = "recipient", "issuing"
    else:
        side, owner_side = "issuing", "recipient"
    line_categories = [_id(item.accounting_category) for item in record.items]
    category = _id(record.accounting_category)
    subcategory = _id(record.accounting_subcategory)
    lines_categorised = [c for c in line_categories if c]
    # A document without a category of its own is booked under its lines' category when they agree.
    if not category and lines_categorised and len(set(line_categories)) == 1:
        booked = lines_categorised[0]
    else:
        booked = category
    vat_percents = [item.vat_percent for item in record.items if item.vat_percent is not None]
    return {
        "id": record.id,
        "resource": resource,
        "kind": record.kind or "",
        "label": document_label(record)[:200],
        "number": _text(record.number),
        "issue_date": record.issue_date.isoformat() if record.issue_date else "",
        "series": _id(record.numeration),
        "series_label": _series_label(refdata, _id(record.numeration)),
        "contact": _id(record.contact),
        "counterpart": _text(getattr(record, f"{side}_name")),
        "tax_id": _text(getattr(record, f"{side}_tax_id")),
        "country": _text(getattr(record, f"{side}_country_code")).lower(),
        "owner_tax_id": _text(getattr(record, f"{owner_side}_tax_id")),
        "category": category,
        "subcategory": subcategory,
        "booked_category": booked,
        "booked_label": category_label(refdata, booked, subcategory if booked == category else None)
        if booked
        else "",
        "booked_kind": _category_kind(refdata, booked),
        "lines": len(record.items),
        "lines_without_category": sum(1 for c in line_categories if not c)
        if resource in ITEM_CATEGORY_RESOURCES
        else 0,
        "total": str(record.total_amount if record.total_amount is not None else ""),
        "deductible_vat": str(_deductible_vat(record)),
        "zero_vat": bool(vat_percents) and all(percent == 0 for percent in vat_percents),
        "attachments": len(record.attachments),
        "amends": any(_id(getattr(record, name, None)) for name in AMENDED_RELATIONS),
        "credit_note_reason": _text(
            getattr(record, "credit_note_reason", None) or getattr(record, "counter_reason", None)
        ),
        "exempt_reason": _text(getattr(record, "exempt_reason", None)),
        "stage": _text(record.stage),
    }
