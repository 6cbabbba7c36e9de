"""The files: a CSV as the user's spreadsheet reads it, or an XLSX with typed cells, both streamed to disk.

The CSV follows the PDF bundle's ``index.csv`` (see pdfs/archive.py): in Spanish ``;`` between
cells, a decimal comma and day-first dates; in English ``,``, a decimal point and ISO dates; a BOM
so that Excel reads UTF-8, and text that looks like a formula kept as text. The XLSX is written by
XlsxWriter in ``constant_memory`` mode (each row goes to disk as it is written): amounts and
quantities are numbers with a number format, dates are dates, text is always written as text.
"""

import csv
import datetime
import os
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils import formats, translation

from quipu_portal.core.spreadsheet import spreadsheet_text
from quipu_portal.exports.columns import ExportColumn


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text != "" else None
    except InvalidOperation:
        return None


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _csv_cell(column: ExportColumn, value: str, *, decimal_separator: str, date_format: str) -> str:
    if column.kind == "date":
        day = _date(value)
        return day.strftime(date_format) if day else ""
    if column.kind in ("money", "number", "percent"):
        number = _decimal(value)
        if number is None:
            return ""
        text = f"{number:.2f}" if column.kind == "money" else format(number.normalize(), "f")
        return text.replace(".", decimal_separator)
    return spreadsheet_text(value)


def _atomic(target: Path):
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(target.name + ".part")


def csv_write(*, columns: tuple[ExportColumn, ...], rows: Iterable[list], target: Path) -> int:
    """Write the CSV in the active language's spreadsheet format; returns its size."""
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    date_format = formats.get_format("DATE_INPUT_FORMATS")[0]
    partial = _atomic(target)
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(
                handle, delimiter=";" if decimal_separator == "," else ",", lineterminator="\r\n"
            )
            writer.writerow([str(column.label) for column in columns])
            for row in rows:
                writer.writerow(
                    [
                        _csv_cell(column, value, decimal_separator=decimal_separator, date_format=date_format)
                        for column, value in zip(columns, row, strict=True)
                    ]
                )
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def xlsx_write(*, columns: tuple[ExportColumn, ...], rows: Iterable[list], target: Path, sheet: str) -> int:
    """Write the XLSX, one row at a time (constant memory); returns its size."""
    import xlsxwriter

    partial = _atomic(target)
    spanish = (translation.get_language() or "").startswith("es")
    try:
        workbook = xlsxwriter.Workbook(str(partial), {"constant_memory": True, "strings_to_formulas": False})
        styles = {
            "header": workbook.add_format({"bold": True}),
            "money": workbook.add_format({"num_format": "#,##0.00"}),
            # "General" shows 2 and 30.5 as they are ("0.###" would show "2.").
            "number": workbook.add_format({"num_format": "General"}),
            "percent": workbook.add_format({"num_format": "General"}),
            "date": workbook.add_format({"num_format": "dd/mm/yyyy" if spanish else "yyyy-mm-dd"}),
        }
        worksheet = workbook.add_worksheet(_sheet_name(sheet))
        worksheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, 14 if column.kind != "text" else 22)
            worksheet.write_string(0, index, str(column.label), styles["header"])
        for number, row in enumerate(rows, start=1):
            for index, (column, value) in enumerate(zip(columns, row, strict=True)):
                _xlsx_cell(worksheet, number, index, column, value, styles)
        workbook.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _xlsx_cell(worksheet, row: int, col: int, column: ExportColumn, value: str, styles: dict) -> None:
    if column.kind == "date":
        day = _date(value)
        if day:
            worksheet.write_datetime(
                row, col, datetime.datetime.combine(day, datetime.time()), styles["date"]
            )
        return
    if column.kind in ("money", "number", "percent"):
        number = _decimal(value)
        if number is not None:
            worksheet.write_number(row, col, float(number), styles[column.kind])
        return
    if value:
        # write_string: never a formula, whatever the text starts with.
        worksheet.write_string(row, col, value)


def _sheet_name(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Export")[:31]
