"""Query-string helpers shared by every list: filters, periods, sorts, includes and pagination."""

import calendar
import re
from datetime import date, timedelta

from .http import BadRequest

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def filters(query: dict[str, str]) -> dict[str, str]:
    """``filter[kind]=x`` -> ``{"kind": "x"}``; nested keys keep their brackets: ``period][from``."""
    out = {}
    for key, value in query.items():
        if key.startswith("filter[") and key.endswith("]"):
            out[key[len("filter[") : -1]] = value
    return out


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadRequest(f"Bad request: filter[{name}] must be true or false")


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (also D-M-YYYY and D/M/YYYY, which the live API parses); None when not a date."""
    text = (text or "").strip()
    for pattern, order in (
        (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd"),
        (r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$", "dmy"),
    ):
        match = re.match(pattern, text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


_QUARTER_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-?Q(?P<q>[1-4])$", re.I),  # 2015-Q1, 2024Q1
    re.compile(r"^(?P<q>[1-4])Q-(?P<year>\d{4})$", re.I),  # 1Q-2015
    re.compile(r"^Q(?P<q>[1-4])-(?P<year>\d{4})$", re.I),  # Q1-2015
)


def parse_period(flt: dict[str, str]) -> tuple[str, str] | None:
    """The inclusive ISO date range of ``filter[period]``; 400 when it cannot be read."""
    start = flt.get("period][from")
    end = flt.get("period][to")
    if start is not None or end is not None:
        first, last = parse_date(start or ""), parse_date(end or "")
        if not first or not last:
            raise BadRequest("Bad request: filter[period][from] and filter[period][to] must both be dates")
        if last < first:
            raise BadRequest("Bad request: filter[period][to] is before filter[period][from]")
        if last - first >= timedelta(days=365) and not _under_a_year(first, last):
            raise BadRequest("Bad request: the period must be shorter than one year")
        return first.isoformat(), last.isoformat()
    text = flt.get("period")
    if text is None:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01", f"{text}-12-31"
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if month and 1 <= int(month.group(2)) <= 12:
        year, number = int(month.group(1)), int(month.group(2))
        return date(year, number, 1).isoformat(), date(
            year, number, calendar.monthrange(year, number)[1]
        ).isoformat()
    for pattern in _QUARTER_PATTERNS:
        quarter = pattern.fullmatch(text)
        if quarter:
            year, q = int(quarter.group("year")), int(quarter.group("q"))
            first_month = 3 * (q - 1) + 1
            last_day = calendar.monthrange(year, first_month + 2)[1]
            return date(year, first_month, 1).isoformat(), date(year, first_month + 2, last_day).isoformat()
    raise BadRequest(f"Bad request: filter[period]={text!r} is not a valid period")


def _under_a_year(first: date, last: date) -> bool:
    try:
        return last < first.replace(year=first.year + 1)
    except ValueError:  # 29 February
        return last < date(first.year + 1, 3, 1)


def sort_spec(query: dict[str, str], allowed: set[str]) -> list[tuple[str, bool]]:
    """``sort=-issue_date,total_amount`` -> ``[("issue_date", True), ("total_amount", False)]``."""
    text = query.get("sort")
    if text is None:
        return []
    spec = []
    for part in comma_list(text):
        descending = part.startswith("-")
        name = part.lstrip("-+")
        if name not in allowed:
            raise BadRequest(
                f"Bad request: {name!r} is not a valid sort criterion; use one of {sorted(allowed)}"
            )
        spec.append((name, descending))
    if not spec:
        raise BadRequest("Bad request: empty sort")
    return spec


def apply_sort(records: list, spec: list[tuple[str, bool]], keys: dict) -> list:
    """Stable multi-key sort: apply the criteria from the last to the first."""
    for name, descending in reversed(spec):
        records.sort(key=keys[name], reverse=descending)
    return records


def includes(query: dict[str, str], allowed: set[str]) -> set[str]:
    text = query.get("include")
    if text is None:
        return set()
    requested = set(comma_list(text))
    unknown = requested - allowed
    if unknown:
        raise BadRequest(
            f"Bad request: {', '.join(sorted(unknown))} is not a valid include; use {sorted(allowed)}"
        )
    return requested


def paginate(records: list, query: dict[str, str]) -> tuple[list, dict]:
    number = _positive_int(query.get("page[number]"), "page[number]", 1)
    size = _positive_int(query.get("page[size]"), "page[size]", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise BadRequest(f"Bad request: page[size] must be at most {MAX_PAGE_SIZE}")
    total = len(records)
    pages = (total + size - 1) // size
    page = records[(number - 1) * size : number * size]
    meta = {"pagination_info": {"total_pages": pages, "current_page": number, "total_results": total}}
    return page, meta


def _positive_int(value: str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"Bad request: {name} must be a positive integer") from None
    if number < 1:
        raise BadRequest(f"Bad request: {name} must be a positive integer")
    return number


def natural_key(text: str | None) -> tuple:
    """Sorts "F-2" before "F-10"; None last."""
    if text is None:
        return (1, ())
    return (
        0,
        tuple(
            (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", text)
            if part
        ),
    )
