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


def test_the_zip_is_written_as_announced_with_every_member_whole(tmp_path):
    """zipstream-ng writes the archive to disk as it reads each PDF: the size it announced before
    writing is the file's, every member reads back byte for byte, and the index lists them in order."""
    members = []
    for number in range(30):
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(a_pdf(f"F-{number}") + bytes(number * 1000))  # members of different sizes
        members.append((path, f"F-{number}.pdf"))
    lines = [
        IndexLine(f"F-{n}", datetime.date(2025, 7, 1), "Cliente", Decimal("10"), f"F-{n}.pdf")
        for n in range(30)
    ]

    with translation.override("en"):
        size = zip_write(members=members, index=index_csv(lines), target=tmp_path / "out" / "all.zip")

    target = tmp_path / "out" / "all.zip"
    assert size == target.stat().st_size
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["index.csv", *(name for _path, name in members)]
        assert all(archive.read(name) == path.read_bytes() for path, name in members)
        rows = index_rows(archive.read("index.csv"), ",")
        assert [row[4] for row in rows[1:]] == [name for _path, name in members]
    assert not list(target.parent.glob("*.part"))


def test_a_zip_that_cannot_be_completed_leaves_no_file(tmp_path):
    present = tmp_path / "1.pdf"
    present.write_bytes(a_pdf("F-1"))
    target = tmp_path / "all.zip"

    with pytest.raises(OSError):
        zip_write(
            members=[(present, "F-1.pdf"), (tmp_path / "gone.pdf", "F-2.pdf")], index=b"", target=target
        )

    assert not target.exists() and not list(tmp_path.glob("*.part"))


def test_a_merged_pdf_of_more_than_500_documents_has_every_page(tmp_path):
    """No cap on merged PDFs: 501 documents, some of two pages, in order with a bookmark each."""
    members, expected_pages = [], 0
    for number in range(501):
        pdf = FPDF()
        pdf.set_font("helvetica", size=12)
        for page in range(2 if number % 100 == 0 else 1):
            pdf.add_page()
            pdf.cell(0, 10, f"F-{number} page {page + 1}")
            expected_pages += 1
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(bytes(pdf.output()))
        members.append((path, f"F-{number}.pdf"))

    merged_pdf_write(members=members, target=tmp_path / "all.pdf")

    reader = PdfReader(tmp_path / "all.pdf", strict=True)
    assert len(reader.pages) == expected_pages == 507
    assert reader.pages[2].extract_text().strip() == "F-1 page 1"
    assert reader.pages[-1].extract_text().strip() == "F-500 page 2"
    assert len(reader.outline) == 501
    assert reader.get_destination_page_number(reader.outline[101]) == 103  # after F-0 and F-100's 2nd pages


def a_scanned_pdf(text: str, seed: int) -> bytes:
    """A one-page PDF carrying ~60 KB of incompressible content, like a scanned invoice."""
    import random

    from PIL import Image

    noise = random.Random(seed).randbytes(140 * 140 * 3)
    image = Image.frombytes("RGB", (140, 140), noise)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, text)
    pdf.image(image, x=10, y=30, w=100)
    return bytes(pdf.output())


def test_merging_holds_one_document_at_a_time_in_memory(tmp_path):
    """The peak memory of a merge of 60 scanned documents is about that of 6: each document is
    written out and dropped before the next is read (pypdf's append kept all of them)."""
    import tracemalloc

    def peak_bytes(count: int) -> int:
        members = []
        for number in range(count):
            path = tmp_path / f"{count}-{number}.pdf"
            path.write_bytes(a_scanned_pdf(f"F-{number}", number))
            members.append((path, f"F-{number}.pdf"))
        tracemalloc.start()
        try:
            merged_pdf_write(members=members, target=tmp_path / f"all-{count}.pdf")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_bytes(6), peak_bytes(60)

    assert len(PdfReader(tmp_path / "all-60.pdf").pages) == 60
    assert large < 2 * small, (small, large)
