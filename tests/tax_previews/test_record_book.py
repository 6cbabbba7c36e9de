"""The record book of the quarter seed, opened with openpyxl: AEAT's tabs, columns in AEAT's order
(written out here from the 2025 unified format), native numbers and dates, and what AEAT would reject."""

import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.utils import translation

from quipu_portal.tax_previews.record_book import record_book_xlsx
from quipu_portal.tax_previews.services import tax_preview_record_book

pytestmark = pytest.mark.django_db

# EXPEDIDAS_INGRESOS (letter U), columns 1-36.
AEAT_ISSUED = [
    "Ejercicio", "Periodo", "Código", "Tipo", "Grupo o Epígrafe del IAE", "Tipo de Factura",
    "Concepto de Ingreso", "Ingreso Computable", "Fecha Expedición", "Fecha Operación", "Serie", "Número",
    "Número-Final", "Tipo", "Código País", "Identificación", "Nombre Destinatario", "Clave de Operación",
    "Calificación de la Operación", "Operación Exenta", "Total Factura", "Base Imponible", "Tipo de IVA",
    "Cuota IVA Repercutida", "Tipo de Recargo Eq.", "Cuota Recargo Eq.", "Fecha", "Importe",
    "Medio Utilizado", "Identificación Medio Utilizado", "Tipo Retención del IRPF",
    "Importe Retenido del IRPF", "Registro Acuerdo Facturación", "Situación", "Referencia Catastral",
    "Referencia Externa",
]  # fmt: skip
# RECIBIDAS_GASTOS (letter V), columns 1-42.
AEAT_RECEIVED = [
    "Ejercicio", "Periodo", "Código", "Tipo", "Grupo o Epígrafe del IAE", "Tipo de Factura",
    "Concepto de Gasto", "Gasto Deducible", "Fecha Expedición", "Fecha Operación", "(Serie-Número)",
    "Número-Final", "Fecha Recepción", "Número Recepción", "Número Recepción Final", "Tipo", "Código País",
    "Identificación", "Nombre Expedidor", "Clave de Operación", "Bien de Inversión",
    "Inversión del Sujeto Pasivo", "Deducible en Periodo Posterior", "Ejercicio", "Periodo",
    "Total Factura", "Base Imponible", "Tipo de IVA", "Cuota IVA Soportado", "Cuota Deducible",
    "Tipo Recargo Eq.", "Cuota Recargo Eq.", "Fecha", "Importe", "Medio Utilizado",
    "Identificación Medio Utilizado", "Tipo Retención del IRPF", "Importe Retenido del IRPF",
    "Registro Acuerdo Facturación", "Situación", "Referencia Catastral", "Referencia Externa",
]  # fmt: skip


def _rows(sheet) -> list[dict]:
    names = [cell.value for cell in sheet[2]]
    found = []
    for values in sheet.iter_rows(min_row=3, values_only=True):
        found.append(dict(zip(range(1, len(names) + 1), values, strict=True)))
    return found


def test_workbook_has_aeat_tabs_and_columns_in_order(q3_preview):
    book = tax_preview_record_book(preview=q3_preview)
    workbook = openpyxl.load_workbook(io.BytesIO(record_book_xlsx(book)))
    assert workbook.sheetnames == ["EXPEDIDAS_INGRESOS", "RECIBIDAS_GASTOS"]
    issued, received = workbook["EXPEDIDAS_INGRESOS"], workbook["RECIBIDAS_GASTOS"]
    assert [cell.value for cell in issued[2]] == AEAT_ISSUED
    assert [cell.value for cell in received[2]] == AEAT_RECEIVED
    assert issued["A1"].value == "Autoliquidación" and issued["K1"].value == "Identificación de la Factura"
    assert received["P1"].value == "NIF Expedidor"
    # The file is named Ejercicio + NIF + T + name.
    assert book.filename == "202617453210MTMarta Gil Serrano.xlsx"


def test_rows_carry_numbers_dates_and_one_row_per_vat_rate(q3_preview):
    book = tax_preview_record_book(preview=q3_preview)
    workbook = openpyxl.load_workbook(io.BytesIO(record_book_xlsx(book)))
    issued = _rows(workbook["EXPEDIDAS_INGRESOS"])
    # F-3 has lines at 21 % and 10 %: two rows, withholding on the first only.
    f3 = [row for row in issued if row[11] == "F" and row[12] == "3"]
    assert [(row[23], row[22], row[24]) for row in f3] == [(21, 800, 168), (10, 200, 20)]
    assert (f3[0][31], f3[0][32], f3[1][31], f3[1][32]) == (15, 150, None, None)
    assert f3[0][9] == datetime.datetime(2026, 7, 20)
    assert workbook["EXPEDIDAS_INGRESOS"].cell(row=3, column=9).number_format == "dd/mm/yyyy"
    assert (f3[0][1], f3[0][2], f3[0][6], f3[0][7], f3[0][16]) == (2026, "3T", "F1", "I01", "A22033443")
    # Credit notes keep their reason and negative amounts.
    r1 = next(row for row in issued if row[11] == "R" and row[12] == "1")
    assert (r1[6], r1[22], r1[24]) == ("R1", -400, -84)
    # Income from 1 January: F-1 of February is there; 9 income documents with 10 rows.
    assert sum(1 for row in issued if row[2] == "1T") == 1
    assert len(issued) == 10
    received = _rows(workbook["RECIBIDAS_GASTOS"])
    ticket = next(row for row in received if row[19] == "Restaurante El Cachirulo")
    assert (ticket[6], ticket[29], ticket[30], ticket[8]) == ("F2", 5.25, 0, 30.25)
    rent = next(row for row in received if row[11] == "AL-2026-07")
    assert (rent[7], rent[27], rent[30], rent[37], rent[38], rent[18]) == (
        "G12",
        500,
        105,
        19,
        95,
        "B50770015",
    )
    # Paysheets are in the IRPF book only: no invoice type and no VAT.
    payroll = [row for row in received if row[7] in ("G04", "G05")]
    assert len(payroll) == 6
    assert all(row[6] is None and row[29] is None for row in payroll)
    # Received documents are numbered in order of reception.
    numbers = [row[14] for row in received if row[14] is not None]
    assert numbers == sorted(numbers) and numbers[0] == 1


def test_validation_lists_the_rows_aeat_would_reject(q3_preview):
    with translation.override("en"):
        book = tax_preview_record_book(preview=q3_preview)
    rejected = [(row.sheet, row.document.number, " ".join(row.problems)) for row in book.rejected]
    # Only the French customer without a tax id, whose 0 % line has no exemption cause either.
    assert len(rejected) == 1
    sheet, number, problems = rejected[0]
    assert (sheet, number) == ("EXPEDIDAS_INGRESOS", "F-5")
    assert "tax id" in problems and "0 %" in problems


def test_totals_that_do_not_add_up_are_reported(q3_preview):
    from dataclasses import replace

    from quipu_portal.tax_previews.record_book import issued_rows
    from quipu_portal.tax_previews.services import tax_preview_documents

    document = next(d for d in tax_preview_documents(preview=q3_preview) if d.number == "F-2")
    broken = replace(document, vat=document.vat + D("1.00"))
    with translation.override("en"):
        rows = issued_rows(broken, person=True)
    assert any("do not add up" in problem for row in rows for problem in row.problems)
