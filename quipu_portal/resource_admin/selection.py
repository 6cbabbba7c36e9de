"""The documents a user selected in a list: the ticked ones, or every one matching the list's filter.

A bulk feature builds a ``Selection`` from the list page's query string, then reads it page by page
(100 documents a request). Quipu's rate limit leaves a page view about four requests, so a page view
reads at most ``IN_REQUEST_PAGES``; a larger selection is read by the feature's job while it is
``preparing`` (see jobs.services), one page per step, carrying the reading state along.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from quipu_portal.jobs.registry import JobRefusedError, Preparation, PreparationError
from quipu_portal.resource_admin.filters import DocumentFilterForm, parse_sort
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.services import document_list

PAGE_SIZE = 100
# Listing pages a page view reads itself; a larger selection is read in the background.
IN_REQUEST_PAGES = 2


class SelectionError(JobRefusedError):
    """The selection cannot be read or is not acceptable; the message is for the user."""


@dataclass(frozen=True)
class Selection:
    """A list (its URL namespace), its API filters and sort, and the ticked ids (None: every document
    matching the filters). Re-reading a page of it finds its documents again with their neighbours."""

    namespace: str
    filters: dict
    sort: list[str]
    ids: list[str] | None = None

    @property
    def admin(self):
        return list_admin(self.namespace)

    def as_params(self) -> dict:
        return {"namespace": self.namespace, "filters": self.filters, "sort": self.sort, "ids": self.ids}

    @classmethod
    def from_params(cls, params: dict) -> "Selection":
        return cls(
            namespace=params["namespace"],
            filters=params.get("filters") or {},
            sort=list(params.get("sort") or []),
            ids=params.get("ids"),
        )


def list_admin(namespace: str):
    """The declaration of a list, also in a worker (the resource apps register theirs when ready)."""
    return REGISTRY[namespace]


def selection_from_query(*, admin, query: str, ids: list[str] | None) -> Selection:
    """The selection of a list page's query string. Never widened: an unreadable filter is refused
    rather than read as "every document"."""
    data = QueryDict(query or "")
    # The contact filter holds an id the list offered; accept it as it came.
    contacts = [(data["contact"], data["contact"])] if data.get("contact") else []
    form = DocumentFilterForm(data, filters=admin.list_filters, contact_choices=contacts)
    if not form.is_valid():
        raise SelectionError(_("The list's filter could not be read. Apply it again and retry."))
    sort = parse_sort(data.get("sort"), admin.sorts) or list(admin.default_sort)
    return Selection(
        namespace=admin.namespace,
        filters=_json_safe(form.api_filters()),
        sort=[str(criterion) for criterion in sort],
        ids=list(dict.fromkeys(ids)) if ids is not None else None,
    )


def selection_title_parts(*, admin, filters: dict) -> list[str]:
    """The start of a title for what a filtered list holds: the resource, then the period filtered on."""
    parts = [str(admin.verbose_name_plural).capitalize()]
    period = filters.get("period")
    if isinstance(period, dict):
        parts.append(f"{period['from']} – {period['to']}")
    elif period:
        parts.append(str(period))
    return parts


def _json_safe(value):
    if isinstance(value, dict):
        return {str(key): _json_safe(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(inner) for inner in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def selection_list_page(*, client, selection: Selection, page: int, include: list[str] | None = None):
    """One listing page of the selection's list (every document on it, ticked or not)."""
    return document_list(
        client=client,
        admin=selection.admin,
        filters=selection.filters,
        sort=selection.sort,
        page=page,
        page_size=PAGE_SIZE,
        include=include,
    )


def reading_start() -> dict:
    """The reading state before the first page: see ``selection_page_read``."""
    return {"next_page": 1, "read": 0, "expected": None, "total_pages": None}


@dataclass(frozen=True)
class SelectionPage:
    """The selected documents of one listing page, and the reading state after it."""

    records: list
    number: int
    reading: dict

    @property
    def complete(self) -> bool:
        return self.reading["next_page"] is None


def selection_page_read(
    *,
    client,
    selection: Selection,
    reading: dict,
    limit: int | None = None,
    too_many: str = "",
    include: list[str] | None = None,
) -> SelectionPage:
    """Read the next listing page of a selection. ``reading`` holds ``next_page`` (None once the
    selection is complete), ``read`` (documents found so far) and ``expected`` (how many there are,
    once known). Refuses a page where Quipu visibly ignored a filter, and a selection of more than
    ``limit`` documents (``too_many`` is the message, with ``%(limit)d``)."""
    number = reading["next_page"]
    page = selection_list_page(client=client, selection=selection, page=number, include=include)
    if page.ignored_filters:
        raise SelectionError(
            _("Quipu did not apply the list's filters, so nothing was done. Try again later.")
        )
    wanted = set(selection.ids) if selection.ids is not None else None
    records = [record for record in page.records if wanted is None or record.id in wanted]
    read = reading.get("read", 0) + len(records)
    expected = len(wanted) if wanted is not None else page.total_results
    if limit is not None and max(read, expected) > limit:
        raise SelectionError(too_many % {"limit": limit})
    complete = (wanted is not None and read >= len(wanted)) or not page.records or number >= page.total_pages
    return SelectionPage(
        records=records,
        number=page.current_page or number,
        reading={
            **reading,
            "next_page": None if complete else number + 1,
            "read": read,
            "expected": expected,
            "total_pages": page.total_pages,
        },
    )


def selection_read_in_request(
    *, client, selection: Selection, limit: int | None = None, too_many: str = "", include=None
) -> tuple[list[SelectionPage], dict]:
    """What a page view may read of a selection: the pages read and the reading state, whose
    ``next_page`` is None when they are the whole selection, else where a job carries on."""
    reading = reading_start()
    pages = []
    while reading["next_page"] is not None and _fits_in_request(selection, reading):
        page = selection_page_read(
            client=client,
            selection=selection,
            reading=reading,
            limit=limit,
            too_many=too_many,
            include=include,
        )
        pages.append(page)
        reading = page.reading
    return pages, reading


def _fits_in_request(selection: Selection, reading: dict) -> bool:
    if reading["next_page"] > IN_REQUEST_PAGES:
        return False
    # Every document of a longer listing: hand it over at once rather than read one more page here.
    return selection.ids is not None or (reading.get("total_pages") or 1) <= IN_REQUEST_PAGES


@dataclass(frozen=True)
class Reading:
    """How far the background reading of a selection has come, for its progress page."""

    read: int
    expected: int
    percent: int


def selection_reading(*, job) -> Reading:
    reading = job.params.get("preparing") or {}
    read = reading.get("read", 0)
    expected = max(reading.get("expected") or 0, read)
    percent = 100 if not expected else min(100, 100 * read // expected)
    return Reading(read=read, expected=expected, percent=percent)


@dataclass(frozen=True)
class SelectionReader:
    """How a bulk feature reads a selection into its job's rows: at most ``limit`` documents
    (``too_many`` says so), with the ``include``d relations; ``rows(page)`` makes a listing page's rows."""

    limit: int
    too_many: str
    include: list[str] | None
    rows: Callable[[SelectionPage], list]

    def read_page(self, *, client, selection: Selection, reading: dict) -> tuple[list, dict]:
        """The rows of the next listing page (see ``selection_page_read``), and the reading state after it."""
        page = selection_page_read(
            client=client,
            selection=selection,
            reading=reading,
            limit=self.limit,
            too_many=self.too_many,
            include=self.include,
        )
        return self.rows(page), page.reading

    def read_in_request(self, *, client, selection: Selection) -> tuple[list, dict]:
        """The rows a page view may read (see ``selection_read_in_request``), and the reading state."""
        pages, reading = selection_read_in_request(
            client=client, selection=selection, limit=self.limit, too_many=self.too_many, include=self.include
        )
        return [row for page in pages for row in self.rows(page)], reading

    def preparation(self, *, job, client, selection: Selection, nothing_found: str) -> Preparation:
        """One background step of the job reading the rest of the selection (``selection_preparation``)."""
        return selection_preparation(
            job=job,
            read=lambda: self.read_page(client=client, selection=selection, reading=job.params["preparing"]),
            nothing_found=nothing_found,
        )


def selection_preparation(*, job, read, nothing_found: str) -> Preparation:
    """One background step of a job reading its selection: ``read()`` gives the next page's job rows
    and the reading state. A selection that cannot be read, or turns out empty, stops the job with
    the reason for the user."""
    try:
        items, reading = read()
    except SelectionError as error:
        raise PreparationError(str(error)) from error
    done = reading["next_page"] is None
    if done and not items and not job.items.exists():
        raise PreparationError(nothing_found)
    return Preparation(items=items, state=reading, done=done)
