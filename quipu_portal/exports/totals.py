"""The sums of a list's documents, kept as JSON (decimal strings) so a job can carry them from page to page.

Quipu's list records carry the base (``total_amount_without_taxes``), the VAT, the withholding
(``retention_amount``) and the total of each document. The equivalence surcharge has no attribute of
its own: it is in ``detailed_amounts`` when Quipu sends them, and otherwise what the total holds
beyond base + VAT − withholding. Paysheets have no VAT; their own pay figures are summed instead.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from quipu_portal.core.display import as_decimal
from quipu_portal.resource_admin.access import attr, document_type

ZERO = Decimal("0.00")

DOCUMENT_FIGURES = (
    ("base", _("Base")),
    ("vat", _("VAT")),
    ("surcharge", _("Equivalence surcharge")),
    ("withholding", _("Withholding")),
    ("total", _("Total")),
)
PAYSHEET_FIGURES = (
    ("gross_pay", _("Gross pay")),
    ("employee_ss_amount", _("Employee social security")),
    ("employee_retention", _("Employee withholding")),
    ("company_ss_amount", _("Company social security")),
    ("net_pay", _("Net pay")),
    ("total", _("Total cost")),
)
KIND_LABELS = {"income": _("Income"), "expenses": _("Expenses")}


def figures_for(admin) -> tuple:
    """Which sums a list shows: a paysheet list its pay figures, every other list the tax figures."""
    return PAYSHEET_FIGURES if admin.list_type == "paysheets" else DOCUMENT_FIGURES


def _amount(record, name: str) -> Decimal:
    return as_decimal(attr(record, name)) or ZERO


def document_figures(record) -> dict[str, Decimal]:
    """A document's amounts under the names of both figure sets."""
    base = _amount(record, "total_amount_without_taxes")
    vat = _amount(record, "vat_amount")
    withholding = _amount(record, "retention_amount")
    total = _amount(record, "total_amount")
    if document_type(record) == "paysheets":
        surcharge = ZERO
    else:
        detailed = attr(record, "detailed_amounts") or {}
        given = (
            as_decimal(detailed.get("user_equalization_tax_amount")) if isinstance(detailed, dict) else None
        )
        surcharge = given if given is not None else total - base - vat + withholding
    figures = {"base": base, "vat": vat, "surcharge": surcharge, "withholding": withholding, "total": total}
    for name, _label in PAYSHEET_FIGURES[:-1]:
        figures[name] = _amount(record, name)
    return figures


def sums_add(sums: dict, records, *, seen: set[str] | None = None) -> dict:
    """``sums`` (by kind: a count and each figure as a decimal string) with ``records`` added; a record
    whose id is in ``seen`` (read twice because the list moved between two pages) is counted once."""
    result = {kind: dict(values) for kind, values in sums.items()}
    for record in records:
        if seen is not None:
            if record.id in seen:
                continue
            seen.add(record.id)
        kind = attr(record, "kind") or "expenses"
        row = result.setdefault(kind, {"count": 0})
        row["count"] += 1
        for name, value in document_figures(record).items():
            row[name] = str((as_decimal(row.get(name)) or ZERO) + value)
    return result


@dataclass(frozen=True)
class TotalsRow:
    label: str
    count: int
    amounts: list[Decimal]


def totals_rows(*, sums: dict, figures: tuple) -> list[TotalsRow]:
    """One row per kind found, income first: income and expenses are never added together."""
    rows = []
    for kind in sorted(sums, key=lambda name: (name != "income", name)):
        values = sums[kind]
        rows.append(
            TotalsRow(
                label=str(KIND_LABELS.get(kind, kind)),
                count=int(values.get("count", 0)),
                amounts=[as_decimal(values.get(name)) or ZERO for name, _label in figures],
            )
        )
    return rows
