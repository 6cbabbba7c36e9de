"""The columns of an exported list, and each document's cells (one row, or one per line).

Cells are stored as JSON between the reading and the writing of a large export: text as is, amounts
and percentages as decimal strings, dates in ISO. Each column's ``kind`` tells the writers how to type
them again.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from quipu_portal.exports.totals import document_figures, figures_for
from quipu_portal.resource_admin.access import attr, counterpart_name, document_number, document_type
from quipu_portal.resource_admin.columns import KIND_BADGES, PAYMENT_BADGES, TYPE_LABELS


@dataclass(frozen=True)
class ExportColumn:
    key: str
    label: object
    kind: str = "text"  # text, date, money, number, percent


DOCUMENT = (
    ExportColumn("type", _("Type")),
    ExportColumn("kind", _("Kind")),
    ExportColumn("number", _("Number")),
    ExportColumn("issue_date", _("Issue date"), "date"),
    ExportColumn("contact", _("Contact")),
    ExportColumn("tax_id", _("Tax ID")),
)
PAYMENT = (
    ExportColumn("payment_status", _("Payment")),
    ExportColumn("paid_at", _("Paid on"), "date"),
)
LINE = (
    ExportColumn("concept", _("Concept")),
    ExportColumn("quantity", _("Quantity"), "number"),
    ExportColumn("unitary_amount", _("Unit price"), "number"),
    ExportColumn("discount_percent", _("Discount %"), "percent"),
    ExportColumn("vat_percent", _("VAT %"), "percent"),
    ExportColumn("retention_percent", _("Withholding %"), "percent"),
    ExportColumn("line_vat", _("Line VAT"), "money"),
    ExportColumn("line_withholding", _("Line withholding"), "money"),
    ExportColumn("line_total", _("Line total"), "money"),
)


def export_columns(*, admin, lines: bool) -> tuple[ExportColumn, ...]:
    # The amounts are the figures a list sums (see totals), each a money column.
    amounts = tuple(ExportColumn(key, label, "money") for key, label in figures_for(admin))
    columns = DOCUMENT + amounts + PAYMENT
    return columns + LINE if lines and admin.has_items else columns


def _json_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _document_cells(record) -> dict:
    kind = attr(record, "kind")
    status = attr(record, "payment_status")
    income = kind == "income"
    cells = {
        "type": str(TYPE_LABELS.get(document_type(record), document_type(record))),
        "kind": str(KIND_BADGES[kind][0]) if kind in KIND_BADGES else (kind or ""),
        "number": document_number(record),
        "issue_date": attr(record, "issue_date"),
        "contact": counterpart_name(record),
        "tax_id": attr(record, "recipient_tax_id" if income else "issuing_tax_id") or "",
        "payment_status": str(PAYMENT_BADGES[status][0]) if status in PAYMENT_BADGES else (status or ""),
        "paid_at": attr(record, "paid_at"),
    }
    cells.update(document_figures(record))
    return cells


def _line_cells(item) -> dict:
    return {
        "concept": attr(item, "concept") or attr(item, "description") or "",
        "quantity": attr(item, "quantity"),
        "unitary_amount": attr(item, "unitary_amount"),
        "discount_percent": attr(item, "discount_percent"),
        "vat_percent": attr(item, "vat_percent"),
        "retention_percent": attr(item, "retention_percent"),
        "line_vat": attr(item, "vat_amount"),
        "line_withholding": attr(item, "retention_amount"),
        "line_total": attr(item, "total_amount"),
    }


def document_rows(record, *, columns: tuple[ExportColumn, ...], lines: bool) -> list[list]:
    """The file rows of one document: one, or one per line (a document without lines keeps one row)."""
    cells = _document_cells(record)
    items = list(getattr(record, "items", ()) or ()) if lines else []
    variants = [{**cells, **_line_cells(item)} for item in items] or [cells]
    return [[_json_cell(variant.get(column.key)) for column in columns] for variant in variants]
