"""The files on disk: PDFs written atomically, the ZIP with its index, the merged PDF."""

import csv
import io
import zipfile

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from quipu_portal.pdfs.archive import (
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


def test_an_html_error_page_is_not_stored_as_a_pdf(tmp_path):
    with pytest.raises(NotAPdfError):
        pdf_write([b"<html>Server error</html>"], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_truncated_file_does_not_count_as_fetched(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(a_pdf("F-1")[:300])
    assert not pdf_is_complete(path)


def test_the_zip_holds_each_pdf_and_an_index_a_spreadsheet_can_open(tmp_path):
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    first.write_bytes(a_pdf("F-1"))
    second.write_bytes(a_pdf("F-2"))
    lines = [
        IndexLine("F-1", "2025-07-01", "Panadería Sancho", "121.00", "F-1_Panaderia-Sancho_2025-07-01.pdf"),
        IndexLine("F-2", "2025-08-01", "Lucía Gómez", "60.50", "F-2_Lucia-Gomez_2025-08-01.pdf"),
        IndexLine("F-3", "2025-09-01", "Talleres Ebro", "10.00", "", "Record not found"),
    ]

    zip_write(
        members=[(first, lines[0].filename), (second, lines[1].filename)],
        index=index_csv(lines),
        target=tmp_path / "out.zip",
    )

    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["index.csv", lines[0].filename, lines[1].filename]
        assert archive.read(lines[1].filename) == second.read_bytes()
        index = archive.read("index.csv")
    assert index.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(index.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["number", "date", "counterparty", "total", "filename", "problem"]
    assert rows[1] == ["F-1", "2025-07-01", "Panadería Sancho", "121.00", lines[0].filename, ""]
    assert rows[3] == ["F-3", "2025-09-01", "Talleres Ebro", "10.00", "", "Record not found"]
    assert not list(tmp_path.glob("*.part"))


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
