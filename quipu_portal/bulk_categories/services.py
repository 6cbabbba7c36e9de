"""Bulk category changes: find the documents, preview the change as a draft job, undo a finished job."""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from quipu_portal.bulk_categories.changes import (
    CategoryChange,
    category_state,
    fingerprint,
    not_applicable_reason,
    resource_of,
    target_state,
)
from quipu_portal.jobs.models import ItemState, Job, JobItem, JobKind, JobStatus
from quipu_portal.jobs.services import job_create, job_get, job_start
from quipu_portal.quipu.refdata import ReferenceData
from quipu_portal.resource_admin.access import document_number
from quipu_portal.resource_admin.columns import TYPE_LABELS
from quipu_portal.resource_admin.filters import DocumentFilterForm
from quipu_portal.resource_admin.registry import REGISTRY

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_DOCUMENTS = 5000
# Listing pages a page view reads itself (Quipu's rate limit leaves it about four requests); a larger
# selection is read by a background task while the user watches its progress.
IN_REQUEST_PAGES = 2
SAMPLE_SIZE = 8


class SelectionError(Exception):
    """The selection cannot be turned into a job; the message is for the user."""


@dataclass(frozen=True)
class Listing:
    """Where the documents were listed: re-reading a page of it finds them again with their neighbours."""

    resource: str
    filters: dict

    def as_params(self) -> dict:
        return {"resource": self.resource, "filters": self.filters}

    @classmethod
    def from_params(cls, params: dict) -> "Listing":
        return cls(resource=params["resource"], filters=params.get("filters") or {})


def document_list_admin(namespace: str):
    """The declaration of a document list (they all list through /book_entries), or None."""
    admin = REGISTRY.get(namespace)
    return admin if getattr(admin, "list_resource", None) == "book_entries" else None


def listing_for(*, namespace: str, query: str) -> Listing:
    """The API listing behind a document list page and its filter query string."""
    admin = document_list_admin(namespace)
    if admin is None:
        raise SelectionError(_("This list does not support changing categories."))
    data = QueryDict(query or "")
    # The contact filter holds an id the list offered; accept it as it came.
    contacts = [(data["contact"], data["contact"])] if data.get("contact") else []
    form = DocumentFilterForm(data, filters=admin.list_filters, contact_choices=contacts)
    if not form.is_valid():
        # Never widen a selection: an unreadable filter must not become "every document".
        raise SelectionError(_("The list's filter could not be read. Apply it again and retry."))
    filters = form.api_filters()
    if admin.list_type:
        filters["type"] = admin.list_type
    return Listing(resource=admin.list_resource, filters=_json_safe(filters))


def _json_safe(value):
    if isinstance(value, dict):
        return {str(key): _json_safe(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(inner) for inner in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def listing_page(*, client, listing: Listing, page: int):
    return client.list(
        listing.resource, filters=listing.filters, include=["items"], page=page, page_size=PAGE_SIZE
    )


def bulk_categories_read_page(
    *, client, listing: Listing, change: CategoryChange, reading: dict
) -> tuple[list[JobItem], dict]:
    """Read the next listing page of a selection: its selected documents as preview rows, and the
    reading state to carry on from, whose ``next_page`` is None once the selection is complete.

    ``reading`` holds ``ids`` (the ticked documents, None for every document of the listing),
    ``next_page``, ``read`` (documents found so far) and ``expected`` (how many there are, once known).
    """
    number = reading["next_page"]
    wanted = set(reading["ids"]) if reading.get("ids") is not None else None
    page = listing_page(client=client, listing=listing, page=number)
    records = [record for record in page.records if wanted is None or record.id in wanted]
    read = reading.get("read", 0) + len(records)
    expected = len(wanted) if wanted is not None else page.total_results
    if max(read, expected) > MAX_DOCUMENTS:
        raise SelectionError(
            _("At most %(limit)d documents can be changed at once. Narrow the filter.")
            % {"limit": MAX_DOCUMENTS}
        )
    complete = (wanted is not None and read >= len(wanted)) or not page.records or number >= page.total_pages
    items = [
        preview_item(record=record, change=change, page=page.current_page or number) for record in records
    ]
    return items, {
        **reading,
        "next_page": None if complete else number + 1,
        "read": read,
        "expected": expected,
        "total_pages": page.total_pages,
    }


def preview_item(*, record, change: CategoryChange, page: int) -> JobItem:
    """One document's preview row: its categories before and after the change; skipped (no request
    spent on it when the job runs) when the change does not apply or changes nothing."""
    resource = resource_of(record)
    before = category_state(record)
    item = JobItem(
        resource=resource,
        document_id=record.id,
        label=document_label(record)[:200],
        before=before,
        fingerprint=fingerprint(record),
        source_page=page,
    )
    reason = not_applicable_reason(record, change)
    if reason:
        item.state, item.after, item.error = ItemState.SKIPPED, before, reason
    else:
        item.after = target_state(before, change, resource=resource)
        if item.after == before:
            item.state = ItemState.SKIPPED
    return item


def document_label(record) -> str:
    kind = TYPE_LABELS.get(resource_of(record), record.type)
    number = document_number(record)
    return f"{kind} {number}".strip() if number else f"{kind} #{record.id}"


def bulk_categories_preview(
    *,
    owner,
    connection,
    client,
    listing: Listing,
    ids: list[str] | None,
    change: CategoryChange,
    title: str,
    pages_in_request: int | None = None,
) -> Job:
    """Read the documents (pages of 100 with their items) and store a draft job: one row per document
    with its state before and after, already-matching ones skipped without spending a request.

    With ``pages_in_request``, a selection that needs more listing pages than that is read by a
    background task instead: the job is ``preparing`` until the task has read every page."""
    reading = {"ids": ids, "next_page": 1, "read": 0, "expected": None}
    items: list[JobItem] = []
    while reading["next_page"] is not None:
        if pages_in_request is not None and not _fits_in_request(reading, pages_in_request):
            break
        found, reading = bulk_categories_read_page(
            client=client, listing=listing, change=change, reading=reading
        )
        items += found
    if reading["next_page"] is None and not items:
        raise SelectionError(_("No documents match this selection."))
    return job_create(
        owner=owner,
        connection=connection,
        kind=JobKind.BULK_CATEGORIES,
        title=title,
        params={"change": change.as_params(), "listing": listing.as_params()},
        items=items,
        preparing=reading if reading["next_page"] is not None else None,
    )


def _fits_in_request(reading: dict, pages: int) -> bool:
    if reading["next_page"] > pages:
        return False
    # Every document of a longer listing: hand it over at once rather than read one more page here.
    return reading["ids"] is not None or reading.get("total_pages", 1) <= pages


@dataclass(frozen=True)
class Reading:
    """How far the background reading of a preview has come."""

    read: int
    expected: int
    percent: int


def bulk_categories_reading(*, job: Job) -> Reading:
    reading = job.params.get("preparing") or {}
    read = reading.get("read", 0)
    expected = max(reading.get("expected") or 0, read)
    percent = 100 if not expected else min(100, 100 * read // expected)
    return Reading(read=read, expected=expected, percent=percent)


@dataclass(frozen=True)
class Preview:
    to_change: int
    already_matching: int
    not_applicable: int
    requests: int
    sample: list[JobItem]


def bulk_categories_preview_summary(*, job: Job) -> Preview:
    items = job.items.all()
    pending = items.filter(state=ItemState.PENDING)
    to_change = pending.count()
    skipped = items.filter(state=ItemState.SKIPPED)
    not_applicable = skipped.exclude(error="").count()
    pages = pending.values("source_page").distinct().count()
    return Preview(
        to_change=to_change,
        already_matching=skipped.count() - not_applicable,
        not_applicable=not_applicable,
        # One write per document, and the pages re-read before writing.
        requests=to_change + pages,
        sample=list(pending.order_by("position")[:SAMPLE_SIZE]),
    )


def bulk_categories_draft_get(*, owner, job_id) -> Job:
    job = job_get(owner=owner, job_id=job_id)
    if job.kind != JobKind.BULK_CATEGORIES:
        raise Http404("Not a category change.")
    return job


# Undo ----------------------------------------------------------------------------------------------


def job_can_undo(job: Job) -> bool:
    return (
        job.kind == JobKind.BULK_CATEGORIES
        and job.is_done
        and job.changed_count > 0
        and not job.undo_jobs.exclude(status=JobStatus.CANCELLED).exists()
    )


def job_undo(*, job: Job) -> Job:
    """A new job restoring each changed document's before-values; documents edited since are skipped."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not job_can_undo(job):
            raise SelectionError(
                _("This job cannot be undone (it is not finished, changed nothing, or was undone).")
            )
        items = [
            JobItem(
                resource=item.resource,
                document_id=item.document_id,
                label=item.label,
                # Expected now: what the job wrote. Wanted: what was there before.
                before=item.after,
                after=item.before,
                fingerprint=item.fingerprint,
                source_page=item.source_page,
            )
            for item in job.items.filter(state=ItemState.CHANGED).order_by("position")
        ]
        undo = job_create(
            owner=job.owner,
            connection=job.connection,
            kind=JobKind.UNDO,
            title=_("Undo: %(title)s") % {"title": job.title},
            params={"listing": job.params.get("listing"), "undo_of": job.pk},
            items=items,
            undo_of=job,
        )
        job_start(job=undo)
    return undo


def change_summary(change: CategoryChange, refdata: ReferenceData | None) -> str:
    """A one-line description of the change, for the job's title."""
    parts = []
    if change.category_id:
        parts.append(category_label(refdata, change.category_id, change.subcategory_id))
    if change.analytic_ids:
        names = ", ".join(analytic_label(refdata, analytic_id) for analytic_id in change.analytic_ids)
        verb = {"add": _("add"), "remove": _("remove"), "replace": _("set")}.get(change.analytic_action, "")
        parts.append(f"{verb} {names}".strip())
    return "; ".join(parts) or _("no change")


def category_label(
    refdata: ReferenceData | None, category_id: str | None, subcategory_id: str | None = None
) -> str:
    if not category_id:
        return "—"
    category = refdata.accounting_category(category_id) if refdata else None
    if category is None:
        return f"#{category_id}"
    code = refdata.account_code(category_id, subcategory_id) or ""
    name = category.name or ""
    sub = refdata.accounting_subcategory(subcategory_id) if subcategory_id else None
    if sub is not None:
        name = f"{name} / {sub.name}"
    return f"{code} {name}".strip()


def analytic_label(refdata: ReferenceData | None, analytic_id: str) -> str:
    category = refdata.analytic_category(analytic_id) if refdata else None
    return category.name if category is not None and category.name else f"#{analytic_id}"
