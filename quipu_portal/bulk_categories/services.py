"""Bulk category changes: find the documents, preview the change as a draft job, undo a finished job."""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quipu_portal.bulk_categories.changes import (
    CategoryChange,
    category_state,
    fingerprint,
    not_applicable_reason,
    resource_of,
    target_state,
)
from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES, UNDO
from quipu_portal.jobs.models import ItemState, Job, JobItem, JobStatus
from quipu_portal.jobs.services import job_create, job_get, job_start
from quipu_portal.quipu.refdata import ReferenceData
from quipu_portal.resource_admin.access import document_number
from quipu_portal.resource_admin.columns import TYPE_LABELS
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import (
    Selection,
    SelectionError,
    SelectionPage,
    SelectionReader,
    selection_from_query,
)

logger = logging.getLogger(__name__)

MAX_DOCUMENTS = 5000
TOO_MANY = gettext_lazy("At most %(limit)d documents can be changed at once. Narrow the filter.")
# The documents are read with their lines: the change may concern line categories.
INCLUDE = ["items"]
SAMPLE_SIZE = 8


def document_list_admin(namespace: str):
    """The declaration of a document list (they all list through /book_entries), or None."""
    admin = REGISTRY.get(namespace)
    return admin if getattr(admin, "list_resource", None) == "book_entries" else None


def bulk_categories_selection(*, namespace: str, query: str, ids: list[str] | None) -> Selection:
    """The documents selected in a document list page, given its filter query string."""
    admin = document_list_admin(namespace)
    if admin is None:
        raise SelectionError(_("This list does not support changing categories."))
    return selection_from_query(admin=admin, query=query, ids=ids)


def bulk_categories_reader(change: CategoryChange) -> SelectionReader:
    """Reads a selection into preview rows: each selected document before and after the change."""
    return SelectionReader(
        limit=MAX_DOCUMENTS, too_many=TOO_MANY, include=INCLUDE, rows=lambda page: preview_items(page, change)
    )


def preview_items(page: SelectionPage, change: CategoryChange) -> list[JobItem]:
    return [preview_item(record=record, change=change, page=page.number) for record in page.records]


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
    *, owner, connection, client, selection: Selection, change: CategoryChange, title: str
) -> Job:
    """Read the documents (pages of 100 with their items) and store a draft job: one row per document
    with its state before and after, already-matching ones skipped without spending a request.

    A selection that needs more listing pages than a page view may read is read by the job in the
    background instead: it is ``preparing`` until every page is read."""
    items, reading = bulk_categories_reader(change).read_in_request(client=client, selection=selection)
    if reading["next_page"] is None and not items:
        raise SelectionError(_("No documents match this selection."))
    return job_create(
        owner=owner,
        connection=connection,
        kind=BULK_CATEGORIES,
        title=title,
        params={"change": change.as_params(), "listing": selection.as_params()},
        items=items,
        preparing=reading if reading["next_page"] is not None else None,
    )


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


def bulk_categories_draft_get(*, owner, job_id, connection) -> Job:
    job = job_get(owner=owner, job_id=job_id, connection=connection)
    if job.kind != BULK_CATEGORIES:
        raise Http404("Not a category change.")
    return job


# Undo ----------------------------------------------------------------------------------------------


def job_can_undo(job: Job) -> bool:
    return (
        job.kind == BULK_CATEGORIES
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
            kind=UNDO,
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
