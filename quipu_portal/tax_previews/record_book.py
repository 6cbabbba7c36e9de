"""AEAT record books ("libros registro") in the unified VAT + IRPF layout, built from a preview's documents.

One workbook, letter T, with the tabs EXPEDIDAS_INGRESOS and RECIBIDAS_GASTOS, the columns in AEAT's
order (Formato Electrónico Común Libros Registro IVA e IRPF, 2025): two header rows (group, column),
data from row 3, amounts as numbers with two decimals, dates as dates (dd/mm/yyyy). Rows are built
first (pure functions, easy to test), then checked for what AEAT would reject, then written.
"""

import datetime
import io
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from quipu_portal.tax_previews.documents import ZERO, TaxDocument
from quipu_portal.tax_previews.figures import NO_DEDUCTION_TYPES, cents, owner_is_person

ISSUED_SHEET = "EXPEDIDAS_INGRESOS"
RECEIVED_SHEET = "RECIBIDAS_GASTOS"

# The columns both books share, at the start, around the payment and at the end.
_PERIOD_AND_ACTIVITY = (
    ("Autoliquidación", "Ejercicio"),
    ("Autoliquidación", "Periodo"),
    ("Actividad", "Código"),
    ("Actividad", "Tipo"),
    ("Actividad", "Grupo o Epígrafe del IAE"),
    ("", "Tipo de Factura"),
)


def _settlement(group: str) -> tuple:
    return tuple(
        (group, name) for name in ("Fecha", "Importe", "Medio Utilizado", "Identificación Medio Utilizado")
    )


_WITHHOLDING_TO_THE_END = (
    ("", "Tipo Retención del IRPF"),
    ("", "Importe Retenido del IRPF"),
    ("", "Registro Acuerdo Facturación"),
    ("Inmueble", "Situación"),
    ("Inmueble", "Referencia Catastral"),
    ("", "Referencia Externa"),
)
ISSUED_COLUMNS = (
    *_PERIOD_AND_ACTIVITY,
    ("", "Concepto de Ingreso"),
    ("", "Ingreso Computable"),
    ("", "Fecha Expedición"),
    ("", "Fecha Operación"),
    ("Identificación de la Factura", "Serie"),
    ("Identificación de la Factura", "Número"),
    ("Identificación de la Factura", "Número-Final"),
    ("NIF Destinatario", "Tipo"),
    ("NIF Destinatario", "Código País"),
    ("NIF Destinatario", "Identificación"),
    ("", "Nombre Destinatario"),
    ("", "Clave de Operación"),
    ("", "Calificación de la Operación"),
    ("", "Operación Exenta"),
    ("", "Total Factura"),
    ("", "Base Imponible"),
    ("", "Tipo de IVA"),
    ("", "Cuota IVA Repercutida"),
    ("", "Tipo de Recargo Eq."),
    ("", "Cuota Recargo Eq."),
    *_settlement("Cobro"),
    *_WITHHOLDING_TO_THE_END,
)
RECEIVED_COLUMNS = (
    *_PERIOD_AND_ACTIVITY,
    ("", "Concepto de Gasto"),
    ("", "Gasto Deducible"),
    ("", "Fecha Expedición"),
    ("", "Fecha Operación"),
    ("Identificación Factura del Expedidor", "(Serie-Número)"),
    ("Identificación Factura del Expedidor", "Número-Final"),
    ("", "Fecha Recepción"),
    ("", "Número Recepción"),
    ("", "Número Recepción Final"),
    ("NIF Expedidor", "Tipo"),
    ("NIF Expedidor", "Código País"),
    ("NIF Expedidor", "Identificación"),
    ("", "Nombre Expedidor"),
    ("", "Clave de Operación"),
    ("", "Bien de Inversión"),
    ("", "Inversión del Sujeto Pasivo"),
    ("", "Deducible en Periodo Posterior"),
    ("Periodo Deducción", "Ejercicio"),
    ("Periodo Deducción", "Periodo"),
    ("", "Total Factura"),
    ("", "Base Imponible"),
    ("", "Tipo de IVA"),
    ("", "Cuota IVA Soportado"),
    ("", "Cuota Deducible"),
    ("", "Tipo Recargo Eq."),
    ("", "Cuota Recargo Eq."),
    *_settlement("Pago"),
    *_WITHHOLDING_TO_THE_END,
)
AMOUNT_COLUMNS = {
    "Ingreso Computable",
    "Gasto Deducible",
    "Total Factura",
    "Base Imponible",
    "Tipo de IVA",
    "Cuota IVA Repercutida",
    "Cuota IVA Soportado",
    "Cuota Deducible",
    "Tipo de Recargo Eq.",
    "Tipo Recargo Eq.",
    "Cuota Recargo Eq.",
    "Importe",
    "Tipo Retención del IRPF",
    "Importe Retenido del IRPF",
}
DATE_COLUMNS = {"Fecha Expedición", "Fecha Operación", "Fecha Recepción", "Fecha"}
EU_COUNTRIES = frozenset(
    ("at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu")
    + ("ie", "it", "lt", "lu", "lv", "mt", "nl", "pl", "pt", "ro", "se", "si", "sk")
)
CONSUMER = "VENTAS A CONSUMIDOR FINAL"
# IRPF expense concepts by the first digits of the accounting account (PGC).
EXPENSE_CONCEPTS = (
    ("60", "G01"),
    ("61", "G01"),
    ("621", "G12"),
    ("622", "G13"),
    ("623", "G19"),
    ("624", "G22"),
    ("625", "G20"),
    ("626", "G24"),
    ("627", "G22"),
    ("628", "GY4"),
    ("629", "G22"),
    ("631", "G26"),
    ("640", "G04"),
    ("642", "G05"),
    ("66", "G24"),
    ("68", "GY8"),
)
INVOICE_REASONS = ("R1", "R2", "R3", "R4")


@dataclass
class BookRow:
    sheet: str
    document: TaxDocument
    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def cells(self) -> list:
        columns = ISSUED_COLUMNS if self.sheet == ISSUED_SHEET else RECEIVED_COLUMNS
        return [self.values.get(position) for position in range(1, len(columns) + 1)]


@dataclass
class RecordBook:
    year: int
    quarter: int
    owner_name: str
    owner_tax_id: str
    issued: list[BookRow]
    received: list[BookRow]

    @property
    def rejected(self) -> list[BookRow]:
        return [row for row in (*self.issued, *self.received) if row.problems]

    @property
    def filename(self) -> str:
        return record_book_filename(year=self.year, tax_id=self.owner_tax_id, name=self.owner_name)


def record_book_filename(*, year: int, tax_id: str, name: str) -> str:
    """Ejercicio + NIF + letter T (unified books) + name, with nothing between them."""
    plain = unicodedata.normalize("NFC", name or "").strip()
    plain = re.sub(r'[\\/:*?"<>|\r\n]+', " ", plain)
    return f"{year}{(tax_id or '').upper()}T{plain}.xlsx"


def _identification(doc: TaxDocument) -> tuple[str, str, str]:
    """(ID type, country, identifier): a Spanish NIF alone; a foreign one with its type and country."""
    tax_id = re.sub(r"[\s.\-/]", "", doc.counterpart_tax_id or "").upper()
    if not doc.abroad:
        return "", "", tax_id
    country = doc.counterpart_country.upper()
    if not tax_id:
        return "", country, ""
    return ("02" if doc.counterpart_country in EU_COUNTRIES else "04"), country, tax_id


def _series_and_number(number: str) -> tuple[str, str]:
    if "-" in number:
        series, _sep, rest = number.rpartition("-")
        return series, rest
    return "", number


def _rate_groups(doc: TaxDocument) -> list[dict]:
    """One group per VAT rate and surcharge rate, as AEAT wants one row for each."""
    groups: OrderedDict = OrderedDict()
    for line in doc.lines:
        surcharge_rate = (
            (line.surcharge * 100 / line.base).quantize(Decimal("0.01"))
            if line.surcharge and line.base
            else None
        )
        key = (line.vat_percent, surcharge_rate)
        group = groups.setdefault(
            key,
            {
                "rate": line.vat_percent,
                "surcharge_rate": surcharge_rate,
                "base": ZERO,
                "vat": ZERO,
                "surcharge": ZERO,
                "deductible": ZERO,
                "asset": False,
            },
        )
        group["base"] += line.base
        group["vat"] += line.vat
        group["surcharge"] += line.surcharge
        group["deductible"] += line.deductible_vat
        group["asset"] = group["asset"] or line.asset
    if not groups:
        groups[(ZERO, None)] = {
            "rate": ZERO,
            "surcharge_rate": None,
            "base": doc.base,
            "vat": doc.vat,
            "surcharge": ZERO,
            "deductible": ZERO,
            "asset": False,
        }
    return [
        {**g, **{k: cents(g[k]) for k in ("base", "vat", "surcharge", "deductible")}} for g in groups.values()
    ]


def _invoice_type(doc: TaxDocument) -> str:
    if doc.type == "additional_incomes":
        return ""  # income without an invoice: IRPF book only (AEAT leaves its type open)
    simplified = doc.type in NO_DEDUCTION_TYPES
    if doc.credit_note:
        if simplified:
            return "R5"
        return doc.credit_note_reason if doc.credit_note_reason in INVOICE_REASONS else "R1"
    return "F2" if simplified else "F1"


def expense_concept(doc: TaxDocument) -> str:
    for prefix, concept in EXPENSE_CONCEPTS:
        if doc.account_code.startswith(prefix):
            return concept
    return "G37"


def _check_rows(
    rows: list[BookRow], doc: TaxDocument, *, rate_column: int, cuota_column: int, base_column: int
) -> None:
    """What AEAT's validation refuses: a VAT cuota that is not base × rate, rows that do not add up."""
    for row in rows:
        base, rate, cuota = (
            row.values.get(base_column),
            row.values.get(rate_column),
            row.values.get(cuota_column),
        )
        known = base is not None and rate is not None and cuota is not None
        if known and abs(cents(base * rate / 100) - cuota) > Decimal("0.01"):
            row.problems.append(_("The VAT cuota is not the base times the rate."))
    if doc.lines:
        bases = sum((row.values.get(base_column) or ZERO for row in rows), ZERO)
        cuotas = sum((row.values.get(cuota_column) or ZERO for row in rows), ZERO)
        if abs(bases - doc.base) > Decimal("0.01") or abs(cuotas - doc.vat) > Decimal("0.01"):
            rows[0].problems.append(_("The rows do not add up to the document's base and VAT in Quipu."))


def issued_rows(doc: TaxDocument, *, person: bool) -> list[BookRow]:
    kind = _invoice_type(doc)
    id_type, country, tax_id = _identification(doc)
    name = doc.counterpart_name
    if kind in ("F2", "R5") and not tax_id:
        name = CONSUMER
    series, number = _series_and_number(doc.number)
    rows = []
    for position, group in enumerate(_rate_groups(doc)):
        values = {
            1: doc.issue_date.year,
            2: f"{doc.quarter}T",
            6: kind,
            9: doc.issue_date,
            11: series,
            12: number,
            14: id_type,
            15: country,
            16: tax_id,
            17: (name or "")[:40],
            18: "01",
            19: "S1" if group["rate"] else "",
            21: group["base"] + group["vat"] + group["surcharge"],
            22: group["base"],
            36: doc.key[:40],
        }
        if kind or group["vat"]:
            values[23] = group["rate"]
            values[24] = group["vat"]
        if group["surcharge_rate"] is not None:
            values[25] = group["surcharge_rate"]
            values[26] = group["surcharge"]
        if person:
            values[7] = "I07" if doc.type == "additional_incomes" else "I01"
            values[8] = group["base"]
            if position == 0 and doc.retention:
                values[31] = _retention_rate(doc)
                values[32] = cents(doc.retention)
        row = BookRow(ISSUED_SHEET, doc, values)
        if kind in ("F1", "F3", *INVOICE_REASONS) and not tax_id:
            row.problems.append(
                _(
                    "No tax id for the customer: a complete invoice needs one (a foreign customer too, with its country)."
                )
            )
        if kind and not group["rate"] and group["base"]:
            row.problems.append(
                _(
                    # xgettext:no-python-format
                    "A 0 % line needs an exemption cause (E1–E6) or a not-subject qualification (N1, N2): the accountant must give it."
                )
            )
        rows.append(row)
    if kind:
        _check_rows(rows, doc, rate_column=23, cuota_column=24, base_column=22)
    return rows


def _retention_rate(doc: TaxDocument) -> Decimal:
    rates = [line.retention_percent for line in doc.lines if line.retention]
    return rates[0] if rates else ZERO


def received_rows(doc: TaxDocument, *, person: bool, reception_number: int) -> list[BookRow]:
    kind = _invoice_type(doc)
    id_type, country, tax_id = _identification(doc)
    rows = []
    for position, group in enumerate(_rate_groups(doc)):
        deductible = ZERO if doc.type in NO_DEDUCTION_TYPES else group["deductible"]
        values = {
            1: doc.issue_date.year,
            2: f"{doc.quarter}T",
            6: kind,
            9: doc.issue_date,
            11: (doc.number or "")[:40],
            13: doc.issue_date,
            14: reception_number,
            16: id_type,
            17: country,
            18: tax_id,
            19: (doc.counterpart_name or "")[:40],
            20: "01",
            21: "S" if group["asset"] else "N",
            22: "N",
            23: "N",
            26: group["base"] + group["vat"] + group["surcharge"],
            27: group["base"],
            28: group["rate"],
            29: group["vat"],
            30: deductible,
            42: doc.key[:40],
        }
        if group["surcharge_rate"] is not None:
            values[31] = group["surcharge_rate"]
            values[32] = group["surcharge"]
        if person:
            values[7] = expense_concept(doc)
            values[8] = group["base"] + group["vat"] - deductible
            if position == 0 and doc.retention:
                values[37] = _retention_rate(doc)
                values[38] = cents(doc.retention)
        row = BookRow(RECEIVED_SHEET, doc, values)
        if kind in ("F1", *INVOICE_REASONS) and not tax_id:
            row.problems.append(_("No tax id for the supplier: an invoice received needs one."))
        rows.append(row)
    _check_rows(rows, doc, rate_column=28, cuota_column=29, base_column=27)
    return rows


def paysheet_rows(doc: TaxDocument) -> list[BookRow]:
    """Payroll in the IRPF book only: no invoice type and no VAT, so it never reaches the 303."""
    _id_type, _country, tax_id = _identification(doc)
    common = {
        1: doc.issue_date.year,
        2: f"{doc.quarter}T",
        9: doc.issue_date,
        11: (doc.number or "")[:40],
        13: doc.issue_date,
        18: tax_id,
        19: (doc.counterpart_name or "")[:40],
        42: doc.key[:40],
    }
    rows = [
        BookRow(RECEIVED_SHEET, doc, {**common, 7: "G04", 8: cents(doc.gross_pay), 26: cents(doc.gross_pay)})
    ]
    rows[0].values.update(
        {37: cents(doc.retention * 100 / doc.gross_pay) if doc.gross_pay else ZERO, 38: cents(doc.retention)}
    )
    if doc.company_ss:
        rows.append(
            BookRow(
                RECEIVED_SHEET, doc, {**common, 7: "G05", 8: cents(doc.company_ss), 26: cents(doc.company_ss)}
            )
        )
    return rows


def record_book_build(
    documents, *, year: int, quarter: int, owner_name: str, owner_tax_id: str
) -> RecordBook:
    """The book's rows from 1 January to the end of ``quarter`` (4: the whole year). Paysheets go in
    only for a self-employed owner (IRPF books); a company keeps VAT books, with the IRPF columns empty."""
    person = owner_is_person(documents)
    chosen = sorted(
        (d for d in documents if d.issue_date.year == year and d.quarter <= quarter),
        key=lambda d: (d.issue_date, d.type, d.number, d.id),
    )
    issued, received = [], []
    reception = 0
    for doc in chosen:
        if doc.income:
            issued += issued_rows(doc, person=person)
        elif doc.type == "paysheets":
            if person:
                received += paysheet_rows(doc)
        else:
            reception += 1
            received += received_rows(doc, person=person, reception_number=reception)
    return RecordBook(year, quarter, owner_name, owner_tax_id, issued, received)


def record_book_xlsx(book: RecordBook) -> bytes:
    """The workbook, written row by row (XlsxWriter's constant-memory mode)."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    header = workbook.add_format({"bold": True})
    amount = workbook.add_format({"num_format": "0.00"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for sheet_name, columns, rows in (
        (ISSUED_SHEET, ISSUED_COLUMNS, book.issued),
        (RECEIVED_SHEET, RECEIVED_COLUMNS, book.received),
    ):
        sheet = workbook.add_worksheet(sheet_name)
        for index, (group, _name) in enumerate(columns):
            sheet.write_string(0, index, group, header)
        for index, (_group, name) in enumerate(columns):
            sheet.write_string(1, index, name, header)
        for number, row in enumerate(rows, start=2):
            for index, value in enumerate(row.cells()):
                name = columns[index][1]
                if value is None or value == "":
                    continue
                if name in DATE_COLUMNS and hasattr(value, "year"):
                    sheet.write_datetime(number, index, _as_datetime(value), day)
                elif name in AMOUNT_COLUMNS and isinstance(value, Decimal):
                    sheet.write_number(number, index, float(cents(value)), amount)
                elif isinstance(value, int):
                    sheet.write_number(number, index, value)
                else:
                    sheet.write_string(number, index, str(value))
    workbook.close()
    return output.getvalue()


def _as_datetime(day):
    return datetime.datetime(day.year, day.month, day.day)
