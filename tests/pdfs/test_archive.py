"""The files on disk: PDFs written atomically, the ZIP with its index, the merged PDF."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from fpdf import FPDF
from pypdf import PdfReader

from quipu_portal.pdfs.archive import (
    IncompletePdfError,
    IndexLine,
    NotAPdfError,
    index_csv,
    merged_pdf_write,
    pdf_is_complete,
    pdf_write,
    zip_write,
)


def a_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def chunks(data: bytes, size: int = 100):
    return (data[i : i + size] for i in range(0, len(data), size))


def test_a_pdf_is_written_whole_or_not_at_all(tmp_path):
    path = tmp_path / "pdfs" / "1.pdf"
    data = a_pdf("F-1")

    assert pdf_write(chunks(data), path) == len(data)
    assert path.read_bytes() == data and pdf_is_complete(path)

    def broken():
        yield data[:200]
        raise ConnectionError("dropped")

    target = tmp_path / "pdfs" / "2.pdf"
    with pytest.raises(ConnectionError):
        pdf_write(broken(), target)
    assert not target.exists() and not list(tmp_path.glob("pdfs/*.part"))


def test_a_transfer_that_ends_quietly_short_of_the_whole_pdf_is_not_stored(tmp_path):
    data = a_pdf("F-2")
    path = tmp_path / "pdfs" / "3.pdf"

    with pytest.raises(IncompletePdfError):
        pdf_write(chunks(data[: len(data) // 2]), path, expected_size=len(data))
    with pytest.raises(IncompletePdfError):
        pdf_write(chunks(data[: len(data) // 2]), path)  # no size announced: the end marker is missing
    assert not path.exists() and not list(tmp_path.glob("pdfs/*.part"))
    assert pdf_write(chunks(data), path, expected_size=len(data)) == len(data)


def test_an_html_error_page_is_not_stored_as_a_pdf(tmp_path):
    with pytest.raises(NotAPdfError):
        pdf_write([b"<html>Server error</html>"], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_truncated_file_does_not_count_as_fetched(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(a_pdf("F-1")[:300])
    assert not pdf_is_complete(path)


LINES = [
    IndexLine("F-1", datetime.date(2025, 7, 1), "Panadería Sancho", Decimal("1234.5"), "F-1_Panaderia.pdf"),
    IndexLine(
        "F-2", datetime.date(2025, 8, 1), "Lucía Gómez, S.L.", Decimal("-60.50"), "F-2_Lucia-Gomez.pdf"
    ),
    IndexLine("F-3", None, "Talleres Ebro", None, "", "Record not found"),
]


def index_rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # the BOM: spreadsheet programs read the accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_zip_holds_each_pdf_and_the_index(tmp_path):
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    first.write_bytes(a_pdf("F-1"))
    second.write_bytes(a_pdf("F-2"))

    with translation.override("en"):
        zip_write(
            members=[(first, LINES[0].filename), (second, LINES[1].filename)],
            index=index_csv(LINES),
            target=tmp_path / "out.zip",
        )

    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["index.csv", LINES[0].filename, LINES[1].filename]
        assert archive.read(LINES[1].filename) == second.read_bytes()
        assert len(index_rows(archive.read("index.csv"), ",")) == 4
    assert not list(tmp_path.glob("*.part"))


def test_a_spanish_index_is_what_a_spanish_spreadsheet_reads():
    """Semicolons between columns, decimal commas, day-first dates: Excel in Spain opens it as is."""
    with translation.override("es"):
        data = index_csv(LINES)

    assert data.decode("utf-8-sig").startswith("Número;Fecha;Contacto;Total;Archivo;Incidencia\r\n")
    rows = index_rows(data, ";")
    assert rows[1] == ["F-1", "01/07/2025", "Panadería Sancho", "1234,50", "F-1_Panaderia.pdf", ""]
    assert rows[2] == ["F-2", "01/08/2025", "Lucía Gómez, S.L.", "-60,50", "F-2_Lucia-Gomez.pdf", ""]
    assert rows[3] == ["F-3", "", "Talleres Ebro", "", "", "Record not found"]


def test_a_contact_name_that_looks_like_a_formula_stays_text_in_the_index():
    line = IndexLine("F-9", datetime.date(2025, 7, 1), '=HYPERLINK("http://x")', Decimal("-5"), "F-9.pdf", "")
    with translation.override("en"):
        rows = index_rows(index_csv([line]), ",")

    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][3] == "-5.00"  # a negative amount stays a number


def test_an_english_index_is_what_an_english_spreadsheet_reads():
    """Commas between columns (a name with a comma is quoted), decimal points, ISO dates."""
    with translation.override("en"):
        data = index_csv(LINES)

    assert data.decode("utf-8-sig").startswith("Number,Date,Contact,Total,File,Problem\r\n")
    assert '"Lucía Gómez, S.L."' in data.decode("utf-8-sig")
    rows = index_rows(data, ",")
    assert rows[1] == ["F-1", "2025-07-01", "Panadería Sancho", "1234.50", "F-1_Panaderia.pdf", ""]
    assert rows[2] == ["F-2", "2025-08-01", "Lucía Gómez, S.L.", "-60.50", "F-2_Lucia-Gomez.pdf", ""]
    assert rows[3] == ["F-3", "", "Talleres Ebro", "", "", "Record not found"]


def test_the_merged_pdf_has_every_page_in_order_with_a_bookmark_each(tmp_path):
    paths = []
    for number in ("F-1", "F-2", "F-3"):
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(a_pdf(number))
        paths.append((path, f"{number}.pdf"))

    merged_pdf_write(members=paths, target=tmp_path / "all.pdf")

    reader = PdfReader(tmp_path / "all.pdf")
    assert [page.extract_text().strip() for page in reader.pages] == ["F-1", "F-2", "F-3"]
    assert [item.title for item in reader.outline] == ["F-1", "F-2", "F-3"]
