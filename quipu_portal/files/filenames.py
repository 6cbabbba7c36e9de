"""File names for downloaded PDFs that every operating system accepts.

``F-2025-0012_Talleres-Ebro_2025-03-31.pdf``: ASCII only (accents folded, everything else a hyphen),
no character Windows forbids, no reserved device name, bounded length. The original spelling travels
in the RFC 5987 ``filename*`` parameter for browsers that can use it.
"""

import datetime
import re
import unicodedata
from urllib.parse import quote

MAX_STEM_LENGTH = 120
WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(10)),
    *(f"LPT{n}" for n in range(10)),
}
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')


def _ascii_part(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_ASCII.sub("-", folded).strip("-._")


def _readable_part(text: str) -> str:
    return re.sub(r"\s+", " ", _WINDOWS_FORBIDDEN.sub("-", text)).strip(" -")


def _parts(number, counterparty, issue_date) -> list[str]:
    day = issue_date.isoformat() if isinstance(issue_date, datetime.date) else str(issue_date or "")
    return [str(value) for value in (number, counterparty, day) if value]


def _finish(stem: str, fallback: str) -> str:
    # Windows drops trailing dots and spaces; a leading dot hides the file on Unix.
    stem = stem[:MAX_STEM_LENGTH].strip(" .-_") or fallback
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    return f"{stem}.pdf"


def pdf_filename(*, number=None, counterparty=None, issue_date=None, fallback: str = "document") -> str:
    """The ASCII-safe name: ``<number>_<counterparty>_<YYYY-MM-DD>.pdf``."""
    parts = [_ascii_part(part) for part in _parts(number, counterparty, issue_date)]
    return _finish("_".join(part for part in parts if part), _ascii_part(fallback) or "document")


def pdf_filename_original(
    *, number=None, counterparty=None, issue_date=None, fallback: str = "document"
) -> str:
    """The same name keeping accents and spaces (only what Windows forbids is replaced)."""
    parts = [_readable_part(part) for part in _parts(number, counterparty, issue_date)]
    return _finish("_".join(part for part in parts if part), _readable_part(fallback) or "document")


def content_disposition(*, ascii_name: str, original_name: str | None = None, inline: bool = False) -> str:
    """``attachment; filename="…"`` plus ``filename*=UTF-8''…`` when the original spelling differs."""
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if original_name and original_name != ascii_name:
        value += f"; filename*=UTF-8''{quote(original_name, safe='')}"
    return value


def download_names(name: str | None, *, fallback: str = "attachment") -> tuple[str, str]:
    """(ASCII-safe, readable) names for a file someone else named: extension kept, nothing a header
    or a file system could misread (quotes, slashes, control characters, reserved names)."""
    stem, dot, extension = (name or "").rpartition(".")
    if not dot:
        stem, extension = extension, ""
    extension = _ascii_part(extension)[:10]
    suffix = f".{extension}" if extension else ""

    def finish(part: str) -> str:
        part = part[:MAX_STEM_LENGTH].strip(" .-_") or fallback
        if part.split(".")[0].upper() in WINDOWS_RESERVED:
            part = f"_{part}"
        return f"{part}{suffix}"

    return finish(_ascii_part(stem)), finish(_readable_part(stem))


def unique_name(name: str, taken: set[str]) -> str:
    """``name`` or ``name-2``, ``name-3``… (case-insensitively unique, as on Windows and macOS)."""
    stem, dot, extension = name.rpartition(".")
    candidate, counter = name, 1
    while candidate.lower() in taken:
        counter += 1
        candidate = f"{stem}-{counter}{dot}{extension}"
    taken.add(candidate.lower())
    return candidate
