"""Files on disk: one PDF per document (temp file + rename), then a ZIP or one merged PDF built from them.

Nothing here holds a whole PDF or archive in memory: downloads are written chunk by chunk, the ZIP
is written into a file with ``zipfile`` copying each member in small blocks.
"""

import csv
import datetime
import io
import os
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext

from quipu_portal.core.spreadsheet import spreadsheet_text

PDF_MAGIC = b"%PDF-"
PDF_END_MARKER = b"%%EOF"
INDEX_NAME = "index.csv"
CHUNK_SIZE = 64 * 1024


class NotAPdfError(Exception):
    """Quipu answered with something that is not a PDF (an HTML error page, an empty body)."""


class IncompletePdfError(Exception):
    """The download ended before the whole PDF arrived (shorter than announced, or no end marker)."""


def bundles_root() -> Path:
    # Under MEDIA_ROOT but never served by a static or media URL: only the owner-checked view reads it.
    return Path(settings.MEDIA_ROOT) / "bundles"


def bundle_folder(bundle_id: int) -> Path:
    return bundles_root() / str(int(bundle_id))


def stored_pdf_path(folder: Path, document_id: str) -> Path:
    safe_id = "".join(ch for ch in str(document_id) if ch.isalnum() or ch in "-_")
    return folder / "pdfs" / f"{safe_id}.pdf"


def pdf_is_complete(path: Path) -> bool:
    """A file written by ``pdf_write`` (the rename happens only after the last chunk)."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(PDF_MAGIC)) != PDF_MAGIC:
                return False
            handle.seek(max(0, path.stat().st_size - 1024))
            return PDF_END_MARKER in handle.read()
    except OSError:
        return False


def pdf_write(chunks: Iterable[bytes], path: Path, *, expected_size: int | None = None) -> int:
    """Write a streamed PDF to ``path`` via a temporary file and an atomic rename; return its size.

    Only a whole PDF is renamed into place: the size announced (``expected_size``, the Content-Length)
    and the end marker are checked first, so a transfer cut short never becomes a file in a bundle.

    A retry after a crash overwrites the temporary file; a reader never sees half a PDF under ``path``.
    No fsync: after a power cut a damaged file fails ``pdf_is_complete`` and is simply fetched again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    size = 0
    try:
        with partial.open("wb") as handle:
            for chunk in chunks:
                if size == 0 and not chunk.startswith(PDF_MAGIC):
                    raise NotAPdfError("The file Quipu sent is not a PDF.")
                handle.write(chunk)
                size += len(chunk)
        if size == 0:
            raise NotAPdfError("Quipu sent an empty file.")
        if expected_size is not None and size != expected_size:
            raise IncompletePdfError(f"The PDF download ended after {size} of {expected_size} bytes.")
        if not pdf_is_complete(partial):
            raise IncompletePdfError("The PDF download ended before the end of the file.")
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return size


@dataclass(frozen=True)
class IndexLine:
    number: str
    issue_date: datetime.date | None
    counterparty: str
    total: Decimal | None
    filename: str  # the name inside the archive, empty when the PDF could not be fetched
    problem: str = ""


def index_csv(lines: Iterable[IndexLine]) -> bytes:
    """The archive's index, written for a spreadsheet in the active language (the job runner makes that
    the owner's): translated headers, and amounts, dates and separators as that language's Excel reads
    a double-clicked CSV.

    Excel splits and parses a CSV with the computer's regional settings: where the decimal separator is
    a comma (Spain) the list separator is ``;`` and dates are day first. So a Spanish index reads
    ``F-1;01/07/2025;1234,50`` and an English one ``F-1,2025-07-01,1234.50`` (ISO dates, which every
    English locale reads as dates). Both follow the language's formats (quipu_portal/formats):
    its decimal separator, and its first date input format. Amounts carry no thousands separator, which
    a spreadsheet could take for a decimal one. The BOM makes Excel read the file as UTF-8.
    """
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    date_format = formats.get_format("DATE_INPUT_FORMATS")[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_separator == "," else ",", lineterminator="\r\n")
    writer.writerow(
        (
            gettext("Number"),
            gettext("Date"),
            gettext("Contact"),
            gettext("Total"),
            gettext("File"),
            gettext("Problem"),
        )
    )
    for line in lines:
        writer.writerow(
            (
                spreadsheet_text(line.number),
                line.issue_date.strftime(date_format) if line.issue_date else "",
                spreadsheet_text(line.counterparty),
                f"{line.total:.2f}".replace(".", decimal_separator) if line.total is not None else "",
                spreadsheet_text(line.filename),
                spreadsheet_text(line.problem),
            )
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def zip_write(*, members: Iterable[tuple[Path, str]], index: bytes, target: Path) -> int:
    """A ZIP of the stored PDFs (``(path, name in the archive)``) plus ``index.csv``; returns its size.

    PDFs are already compressed, so they are stored; the archive is written to ``target.part`` and
    renamed when complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.writestr(
                zipfile.ZipInfo(INDEX_NAME, date_time=_now_tuple()), index, compress_type=zipfile.ZIP_DEFLATED
            )
            for path, name in members:
                with path.open("rb") as source, archive.open(_member_info(name, path), "w") as member:
                    shutil.copyfileobj(source, member, CHUNK_SIZE)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _member_info(name: str, path: Path) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo.from_file(path, arcname=name)
    info.compress_type = zipfile.ZIP_STORED
    return info


def _now_tuple():
    from django.utils import timezone

    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def merged_pdf_write(*, members: Iterable[tuple[Path, str]], target: Path) -> int:
    """One PDF with every document's pages in order, one bookmark per document; returns its size."""
    from pypdf import PdfWriter

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    writer = PdfWriter()
    try:
        for path, name in members:
            writer.append(str(path), outline_item=name.removesuffix(".pdf"))
        with partial.open("wb") as handle:
            writer.write(handle)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        writer.close()
    return target.stat().st_size


def file_chunks(path: Path, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def folder_delete(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
