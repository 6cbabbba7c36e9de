"""Modelos 303, 130, 111, 115 and 347 worked out from documents: pure functions, no Quipu, no database.

Each form is a list of ``Box``es. A box either holds an amount computed from the documents (with the
documents behind it), or says that the accountant must fill it in (``accountant``), or is a note
about documents the form leaves out. The rules follow AEAT's own book-to-box sheets where the
documents carry enough to apply them; where they do not (reverse charge, prorrata, compensations,
earlier returns), the box is marked for the accountant rather than guessed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _

from quipu_portal.tax_previews.documents import ZERO, TaxDocument

CENT = Decimal("0.01")
THRESHOLD_347 = Decimal("3005.06")
# Base, rate and cuota boxes of modelo 303's accrued VAT by rate (régimen general).
RATE_BOXES = {
    Decimal(4): ("01", "02", "03"),
    Decimal(10): ("04", "05", "06"),
    Decimal(21): ("07", "08", "09"),
    Decimal(5): ("153", "154", "155"),
    Decimal(2): ("165", "166", "167"),
}
# Recargo de equivalencia boxes by surcharge rate.
SURCHARGE_BOXES = {
    Decimal("0.5"): ("168", "169", "170"),
    Decimal("1.4"): ("19", "20", "21"),
    Decimal("5.2"): ("22", "23", "24"),
    Decimal("1.75"): ("156", "157", "158"),
}
INCOME_TYPES = ("invoices", "simplified_invoices", "additional_incomes", "tickets")
# Without an invoice that identifies the buyer (F2), the VAT paid is not deductible.
NO_DEDUCTION_TYPES = ("tickets", "simplified_invoices")
RENT_ACCOUNT = "621"


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


@dataclass
class Box:
    code: str
    label: str
    amount: Decimal | None = None
    # computed | total | rate | count | accountant | note
    kind: str = "computed"
    documents: list[str] = field(default_factory=list)
    # What each document adds to the box (a document may have lines in several boxes).
    shares: dict[str, Decimal] = field(default_factory=dict)

    @property
    def needs_accountant(self) -> bool:
        return self.kind == "accountant"

    def add(self, amount: Decimal, document: TaxDocument | None = None) -> None:
        self.amount = (self.amount or ZERO) + amount
        if document is not None:
            if document.key not in self.documents:
                self.documents.append(document.key)
            self.shares[document.key] = self.shares.get(document.key, ZERO) + amount

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "amount": None if self.amount is None else format(cents(self.amount), "f"),
            "kind": self.kind,
            "documents": list(self.documents),
        }


@dataclass
class Form:
    model: str
    title: str
    period: str
    boxes: list[Box]
    notes: list[str] = field(default_factory=list)

    def box(self, code: str) -> Box:
        return next(box for box in self.boxes if box.code == code)

    def amount(self, code: str) -> Decimal | None:
        value = self.box(code).amount
        return None if value is None else cents(value)

    def as_json(self) -> dict:
        return {
            "model": self.model,
            "title": str(self.title),
            "period": self.period,
            "boxes": [box.as_json() for box in self.boxes],
            "notes": [str(note) for note in self.notes],
        }


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    after = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def in_quarter(documents, year: int, quarter: int) -> list[TaxDocument]:
    return [d for d in documents if d.issue_date.year == year and d.quarter == quarter]


def year_to_date(documents, year: int, quarter: int) -> list[TaxDocument]:
    return [d for d in documents if d.issue_date.year == year and d.quarter <= quarter]


def _accountant(code: str, label) -> Box:
    return Box(code, label, kind="accountant")


# ── modelo 303 ───────────────────────────────────────────────────────────
def model_303(documents, *, year: int, quarter: int) -> Form:
    """Quarterly VAT. Quarter by issue date (Quipu holds no operation or reception date)."""
    boxes: dict[str, Box] = {}

    def box(code, label, kind="computed") -> Box:
        if code not in boxes:
            boxes[code] = Box(code, label, kind=kind)
        return boxes[code]

    zero_rated = Box(
        "0%",
        _("Income lines at 0 %: exports, intra-EU supplies, exempt or not subject (boxes 59, 60, 120 or 61)"),
        kind="accountant",
    )
    other_rates = Box("?", _("Income lines at a VAT rate without a box of its own"), kind="accountant")
    abroad = Box(
        "10–13, 36–39",
        _("Purchases from suppliers abroad: intra-EU acquisitions or reverse charge, to self-assess"),
        kind="accountant",
    )
    no_deduction = Box(
        "F2",
        _(
            "VAT on expense tickets and simplified invoices: not deductible (no invoice in the company's name)"
        ),
        kind="note",
    )

    for doc in in_quarter(documents, year, quarter):
        if doc.type == "paysheets":
            continue  # payroll never enters the VAT book
        if doc.income:
            for line in doc.lines:
                if doc.credit_note or line.base < 0:
                    box("14", _("Modification of bases (credit notes issued)")).add(line.base, doc)
                    box("15", _("Modification of cuotas (credit notes issued)")).add(line.vat, doc)
                elif line.vat_percent == 0:
                    zero_rated.add(line.base, doc)
                elif line.vat_percent in RATE_BOXES:
                    base_code, rate_code, cuota_code = RATE_BOXES[line.vat_percent]
                    box(base_code, _("Base at %(rate)s %%") % {"rate": _rate_text(line.vat_percent)}).add(
                        line.base, doc
                    )
                    boxes.setdefault(
                        rate_code, Box(rate_code, _("Rate"), amount=line.vat_percent, kind="rate")
                    )
                    box(cuota_code, _("Cuota at %(rate)s %%") % {"rate": _rate_text(line.vat_percent)}).add(
                        line.vat, doc
                    )
                else:
                    other_rates.add(line.base, doc)
                if line.surcharge and line.base:
                    rate = (line.surcharge * 100 / line.base).quantize(Decimal("0.01")).normalize()
                    codes = SURCHARGE_BOXES.get(rate, ("16", "17", "18"))
                    box(codes[0], _("Base with equivalence surcharge")).add(line.base, doc)
                    boxes.setdefault(codes[1], Box(codes[1], _("Surcharge rate"), amount=rate, kind="rate"))
                    box(codes[2], _("Equivalence surcharge cuota")).add(line.surcharge, doc)
            continue
        if doc.type in NO_DEDUCTION_TYPES:
            if doc.vat:
                no_deduction.add(doc.vat, doc)
            continue
        if doc.abroad:
            abroad.add(doc.base, doc)
            continue
        for line in doc.lines:
            if doc.credit_note or line.base < 0:
                box("40", _("Rectification of deductions: base (credit notes received)")).add(line.base, doc)
                box("41", _("Rectification of deductions: cuota (credit notes received)")).add(
                    line.deductible_vat, doc
                )
            elif line.asset:
                box("30", _("Deductible VAT on domestic capital goods: base")).add(line.base, doc)
                box("31", _("Deductible VAT on domestic capital goods: cuota")).add(line.deductible_vat, doc)
            elif line.vat_percent:
                box("28", _("Deductible VAT on domestic current purchases: base")).add(line.base, doc)
                box("29", _("Deductible VAT on domestic current purchases: cuota")).add(
                    line.deductible_vat, doc
                )

    accrued_cuotas = ("03", "06", "09", "155", "167", "15", "18", "21", "24", "158", "170")
    deductible_cuotas = ("29", "31", "41")
    total_27 = sum((boxes[c].amount or ZERO for c in accrued_cuotas if c in boxes), ZERO)
    total_45 = sum((boxes[c].amount or ZERO for c in deductible_cuotas if c in boxes), ZERO)
    order = (
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "153",
        "154",
        "155",
        "165",
        "166",
        "167",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "156",
        "157",
        "158",
        "168",
        "169",
        "170",
    )
    result = [boxes[code] for code in order if code in boxes]
    result.append(Box("27", _("Total accrued cuota"), amount=total_27, kind="total"))
    result += [boxes[code] for code in ("28", "29", "30", "31", "40", "41") if code in boxes]
    result += [
        _accountant("32–35", _("Imports (DUA)")),
        _accountant("42–44", _("REAGP compensations, capital-goods and prorrata regularisations")),
    ]
    result.append(Box("45", _("Total deductible"), amount=total_45, kind="total"))
    result.append(
        Box("46", _("Result of the general regime (27 − 45)"), amount=total_27 - total_45, kind="total")
    )
    result += [
        # xgettext:no-python-format
        _accountant("65", _("Share attributable to the State (100 % unless foral territories)")),
        _accountant("77", _("Import VAT deferred by customs")),
        _accountant("110 / 78 / 87", _("Compensation from earlier periods (from the returns filed)")),
        _accountant("68 / 108", _("Annual regularisation and other adjustments")),
        _accountant("70 / 109", _("Amounts of earlier returns for the same period")),
    ]
    result += [b for b in (zero_rated, other_rates, abroad, no_deduction) if b.amount is not None]
    notes = [
        _("Quarter by issue date: Quipu keeps no operation or reception date."),
        _("Credit notes go to boxes 14/15 (issued) and 40/41 (received), as AEAT's Pre303 does."),
        _("Paysheets are left out of the VAT figures."),
    ]
    return Form("303", _("Modelo 303 · VAT"), f"{quarter}T {year}", result, notes)


def result_303(form: Form) -> Decimal:
    return form.amount("46")


# ── modelo 130 ───────────────────────────────────────────────────────────
def model_130(documents, *, year: int, quarter: int) -> Form:
    """Income tax advance payment (estimación directa), from 1 January to the end of the quarter."""
    income = Box("01", _("Computable income, year to date"))
    expenses = Box("02", _("Deductible expenses, year to date"))
    withheld = Box("06", _("Withholdings on the activity's income, year to date"))
    for doc in year_to_date(documents, year, quarter):
        if doc.income:
            income.add(doc.base, doc)
            if doc.type == "invoices" and doc.retention:
                withheld.add(doc.retention, doc)
        elif doc.type == "paysheets":
            expenses.add(doc.gross_pay + doc.company_ss, doc)
        elif doc.type in NO_DEDUCTION_TYPES:
            # The VAT of a ticket is not deductible, so it is part of the expense.
            expenses.add(doc.base + doc.vat, doc)
        else:
            not_deducted = sum((line.vat - line.deductible_vat for line in doc.lines), ZERO)
            expenses.add(doc.base + not_deducted, doc)
    income.amount = income.amount or ZERO
    expenses.amount = expenses.amount or ZERO
    withheld.amount = withheld.amount or ZERO
    net = income.amount - expenses.amount
    twenty = (max(net, ZERO) * Decimal("0.20")).quantize(CENT, rounding=ROUND_DOWN)
    boxes = [
        income,
        expenses,
        Box("03", _("Net income (01 − 02)"), amount=net, kind="total"),
        Box("04", _("20 % of a positive 03"), amount=twenty, kind="total"),
        _accountant("05", _("Positive results of the year's earlier 130s")),
        withheld,
        Box("07", _("Result before box 05 (04 − 06)"), amount=twenty - withheld.amount, kind="total"),
        _accountant("13–16", _("Reductions, negative results of earlier quarters, home loan")),
    ]
    notes = [
        _("Only self-employed people in estimación directa file modelo 130; companies do not."),
        _(
            "Expense tickets count with their VAT; paysheets count gross pay plus the company's social security."
        ),
        _("Whether to add the 5 % of hard-to-justify expenses is for the accountant to decide."),
    ]
    return Form("130", _("Modelo 130 · income tax instalment"), f"{quarter}T {year}", boxes, notes)


# ── withholdings: 111, 115 and the 19 % that may be 123 ──────────────────
def withholding_kind(doc: TaxDocument) -> str:
    """``rent`` (115), ``capital`` (19 % outside rent: perhaps 123, to check) or ``activity`` (111)."""
    if doc.account_code.startswith(RENT_ACCOUNT):
        return "rent"
    if any(line.retention_percent == 19 for line in doc.lines if line.retention):
        return "capital"
    return "activity"


def _withholding_docs(documents, year, quarter, kind):
    for doc in in_quarter(documents, year, quarter):
        if doc.type == "invoices" and not doc.income and doc.retention and withholding_kind(doc) == kind:
            yield doc


def _recipients(docs) -> int:
    return len({doc.counterpart_tax_id or doc.counterpart_name for doc in docs})


def _recipients_box(code: str, label, docs) -> Box:
    return Box(code, label, amount=Decimal(_recipients(docs)), kind="count", documents=[d.key for d in docs])


def _withheld_base(doc: TaxDocument) -> Decimal:
    return sum((line.base for line in doc.lines if line.retention), ZERO)


def _paid_and_withheld(docs, paid: Box, withheld: Box, *, paid_of) -> tuple[Box, Box]:
    """The amounts paid (``paid_of`` each document) and withheld from them, zero when there are none."""
    for doc in docs:
        paid.add(paid_of(doc), doc)
        withheld.add(doc.retention, doc)
    paid.amount = paid.amount or ZERO
    withheld.amount = withheld.amount or ZERO
    return paid, withheld


def model_111(documents, *, year: int, quarter: int) -> Form:
    paysheets = [d for d in in_quarter(documents, year, quarter) if d.type == "paysheets"]
    professionals = list(_withholding_docs(documents, year, quarter, "activity"))
    gross, employees_withheld = _paid_and_withheld(
        paysheets,
        Box("02", _("Employment income: amounts paid")),
        Box("03", _("Employment income: withholdings")),
        paid_of=lambda doc: doc.gross_pay,
    )
    paid, activity_withheld = _paid_and_withheld(
        professionals,
        Box("08", _("Economic activities: amounts paid")),
        Box("09", _("Economic activities: withholdings")),
        paid_of=_withheld_base,
    )
    total = employees_withheld.amount + activity_withheld.amount
    boxes = [
        _recipients_box("01", _("Employment income: recipients"), paysheets),
        gross,
        employees_withheld,
        _accountant("04–06", _("Employment income in kind")),
        _recipients_box("07", _("Economic activities: recipients"), professionals),
        paid,
        activity_withheld,
        _accountant("10–27", _("Activities in kind, prizes, forestry gains, image rights")),
        Box("28", _("Total withholdings"), amount=total, kind="total"),
        _accountant("29", _("Paid in an earlier return for the same period")),
        Box("30", _("Result (28 − 29)"), amount=total, kind="total"),
    ]
    notes = [
        _(
            # xgettext:no-python-format
            "Employment: paysheets of the quarter. Activities: expense invoices with withholding, except rent (115) and 19 % outside rent (perhaps 123)."
        ),
        _("Suppliers resident abroad go to modelo 216, not 111: check them."),
    ]
    return Form(
        "111", _("Modelo 111 · withholdings on work and professionals"), f"{quarter}T {year}", boxes, notes
    )


def model_115(documents, *, year: int, quarter: int) -> Form:
    rents = list(_withholding_docs(documents, year, quarter, "rent"))
    capital = list(_withholding_docs(documents, year, quarter, "capital"))
    base, withheld = _paid_and_withheld(
        rents,
        Box("02", _("Rent paid: base of the withholdings")),
        Box("03", _("Withholdings on rent")),
        paid_of=_withheld_base,
    )
    boxes = [
        _recipients_box("01", _("Landlords"), rents),
        base,
        withheld,
        _accountant("04", _("Paid in an earlier return for the same period")),
        Box("05", _("Result (03 − 04)"), amount=withheld.amount, kind="total"),
    ]
    if capital:
        other = Box(
            "123?",
            _("19 % withholdings outside rent: capital income (modelo 123)? The accountant decides"),
            kind="accountant",
        )
        for doc in capital:
            other.add(doc.retention, doc)
        boxes.append(other)
    notes = [_("Rent: expense invoices with withholding booked under account 621 (rents).")]
    return Form("115", _("Modelo 115 · withholdings on rent"), f"{quarter}T {year}", boxes, notes)


# ── modelo 347 ───────────────────────────────────────────────────────────
@dataclass
class Counterpart347:
    key: str  # A purchases, B sales
    name: str
    tax_id: str
    quarters: dict[int, Decimal]
    documents: list[str]

    @property
    def total(self) -> Decimal:
        return sum(self.quarters.values(), ZERO)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "tax_id": self.tax_id,
            "quarters": {str(q): format(cents(a), "f") for q, a in self.quarters.items()},
            "total": format(cents(self.total), "f"),
            "documents": self.documents,
        }


def counts_for_347(doc: TaxDocument) -> bool:
    """Invoices with a domestic counterpart; not simplified invoices, tickets, paysheets or additional
    income (no buyer-identifying invoice), not operations abroad (349, exports), not rent withheld by
    the tenant (reported in 180)."""
    if doc.type != "invoices" or doc.abroad:
        return False
    return not (not doc.income and doc.retention and withholding_kind(doc) == "rent")


def model_347(documents, *, year: int, through_quarter: int = 4) -> list[Counterpart347]:
    """Counterparts over 3,005.06 EUR in the year (VAT and surcharge included, withholding not),
    purchases (A) and sales (B) apart, by quarter."""
    grouped: dict[tuple, Counterpart347] = {}
    for doc in year_to_date(documents, year, through_quarter):
        if not counts_for_347(doc):
            continue
        who = doc.counterpart_tax_id or doc.counterpart_name
        key = ("B" if doc.income else "A", who)
        entry = grouped.setdefault(
            key,
            Counterpart347(
                key[0], doc.counterpart_name, doc.counterpart_tax_id, defaultdict(lambda: ZERO), []
            ),
        )
        entry.quarters[doc.quarter] += doc.base + doc.vat + doc.surcharge
        entry.documents.append(doc.key)
    found = [c for c in grouped.values() if abs(c.total) > THRESHOLD_347]
    for counterpart in found:
        counterpart.quarters = {q: counterpart.quarters.get(q, ZERO) for q in range(1, through_quarter + 1)}
    return sorted(found, key=lambda c: (c.key, -c.total))


def owner_is_person(documents) -> bool:
    """A Spanish personal tax id (DNI or NIE) rather than a company's (CIF)."""
    for doc in documents:
        if doc.own_tax_id:
            return doc.own_tax_id[:1].isdigit() or doc.own_tax_id[:1].upper() in "XYZKLM"
    return False


def _rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")
