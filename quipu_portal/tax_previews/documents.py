"""The documents a tax preview reads, reduced to what the tax figures need.

A ``TaxDocument`` is built from a Quipu record once, when the preview reads it, and stored as JSON
with the preview: the figures and the record book are computed again from it without Quipu.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from quipu_portal.resource_admin.access import attr, document_number, document_type, rel_id

ZERO = Decimal(0)
AMENDED_RELATIONSHIPS = {
    "invoices": "amended_invoice",
    "simplified_invoices": "amended_simplified_invoice",
    "tickets": "amended_ticket",
}


@dataclass(frozen=True)
class TaxLine:
    base: Decimal
    vat_percent: Decimal
    vat: Decimal
    surcharge: Decimal = ZERO
    retention_percent: Decimal = ZERO
    retention: Decimal = ZERO
    deductible_vat: Decimal = ZERO
    asset: bool = False


@dataclass(frozen=True)
class TaxDocument:
    """One document as the tax figures see it. ``key`` is ``type:id``; amounts are signed (a credit
    note's are negative)."""

    type: str
    id: str
    kind: str
    number: str
    issue_date: datetime.date
    counterpart_name: str = ""
    counterpart_tax_id: str = ""
    counterpart_country: str = ""
    own_name: str = ""
    own_tax_id: str = ""
    account_code: str = ""
    credit_note: bool = False
    credit_note_reason: str = ""
    base: Decimal = ZERO
    vat: Decimal = ZERO
    retention: Decimal = ZERO
    total: Decimal = ZERO
    gross_pay: Decimal = ZERO
    company_ss: Decimal = ZERO
    lines: tuple[TaxLine, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"

    @property
    def quarter(self) -> int:
        return (self.issue_date.month - 1) // 3 + 1

    @property
    def income(self) -> bool:
        return self.kind == "income"

    @property
    def abroad(self) -> bool:
        return bool(self.counterpart_country) and self.counterpart_country.lower() != "es"

    @property
    def surcharge(self) -> Decimal:
        return sum((line.surcharge for line in self.lines), ZERO)

    def as_json(self) -> dict:
        data = asdict(self)
        return _json(data)

    @classmethod
    def from_json(cls, data: dict) -> "TaxDocument":
        values = dict(data)
        values["issue_date"] = datetime.date.fromisoformat(values["issue_date"])
        for name in ("base", "vat", "retention", "total", "gross_pay", "company_ss"):
            values[name] = Decimal(values[name])
        values["lines"] = tuple(
            TaxLine(**{name: (value if name == "asset" else Decimal(value)) for name, value in line.items()})
            for line in values["lines"]
        )
        return cls(**values)


def _json(value):
    if isinstance(value, dict):
        return {key: _json(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_json(inner) for inner in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _decimal(value) -> Decimal:
    if value is None or value == "":
        return ZERO
    return Decimal(str(value))


def tax_line_from(item) -> TaxLine:
    quantity = _decimal(attr(item, "quantity", 1))
    base = _decimal(attr(item, "unitary_amount")) * quantity - _decimal(attr(item, "discount_amount"))
    base = base.quantize(Decimal("0.001"))
    vat = _decimal(attr(item, "vat_amount"))
    retention = _decimal(attr(item, "retention_amount"))
    total = attr(item, "total_amount")
    # Quipu sends no surcharge amount per item: it is what the total holds beyond base and VAT.
    surcharge = (_decimal(total) - base - vat + retention) if total is not None else ZERO
    if abs(surcharge) < Decimal("0.01"):
        surcharge = ZERO
    deductible = attr(item, "deductible_vat_amount")
    if deductible is None:
        deductible = (attr(item, "raw_attributes", {}) or {}).get("decuctible_vat_amount")
    return TaxLine(
        base=base,
        vat_percent=_decimal(attr(item, "vat_percent")),
        vat=vat,
        surcharge=surcharge,
        retention_percent=_decimal(attr(item, "retention_percent")),
        retention=retention,
        deductible_vat=_decimal(deductible),
        asset=attr(item, "kind") in ("assets", "asset"),
    )


def _line_from_totals(record, *, income: bool) -> TaxLine:
    """One line standing for a document whose items did not come with it: its totals, at the rate
    they imply, its VAT deductible in full (an expense) as Quipu's default is."""
    base = _decimal(attr(record, "total_amount_without_taxes"))
    vat = _decimal(attr(record, "vat_amount"))
    retention = _decimal(attr(record, "retention_amount"))
    rate = (vat * 100 / base).quantize(Decimal("0.1")).normalize() if base else ZERO
    withheld = (retention * 100 / base).quantize(Decimal("0.1")).normalize() if base else ZERO
    return TaxLine(
        base=base,
        vat_percent=rate,
        vat=vat,
        retention_percent=withheld,
        retention=retention,
        deductible_vat=ZERO if income else vat,
    )


def tax_document_from(record) -> TaxDocument:
    """The figures of one Quipu document (read with its items)."""
    doc_type = document_type(record)
    kind = attr(record, "kind") or ("income" if doc_type == "additional_incomes" else "expenses")
    theirs, ours = (
        ("recipient", "issuing") if kind == "income" or doc_type == "paysheets" else ("issuing", "recipient")
    )
    amended = AMENDED_RELATIONSHIPS.get(doc_type)
    reason = attr(record, "credit_note_reason") or attr(record, "counter_reason") or ""
    lines = tuple(tax_line_from(item) for item in (getattr(record, "items", None) or ()))
    if doc_type != "paysheets" and not getattr(record, "items_loaded", True):
        lines = (_line_from_totals(record, income=kind == "income"),)
    return TaxDocument(
        type=doc_type,
        id=str(record.id),
        kind=kind,
        number=document_number(record),
        issue_date=attr(record, "issue_date"),
        counterpart_name=attr(record, f"{theirs}_name") or "",
        counterpart_tax_id=(attr(record, f"{theirs}_tax_id") or "").strip(),
        counterpart_country=(attr(record, f"{theirs}_country_code") or "").lower(),
        own_name=attr(record, f"{ours}_name") or "",
        own_tax_id=(attr(record, f"{ours}_tax_id") or "").strip(),
        account_code=str(attr(record, "accounting_account_code") or ""),
        credit_note=bool(amended and rel_id(record, amended)),
        credit_note_reason=str(reason or ""),
        base=_decimal(attr(record, "total_amount_without_taxes")),
        vat=_decimal(attr(record, "vat_amount")),
        retention=_decimal(attr(record, "retention_amount")),
        total=_decimal(attr(record, "total_amount")),
        gross_pay=_decimal(attr(record, "gross_pay")),
        company_ss=_decimal(attr(record, "company_ss_amount")),
        lines=lines,
    )
