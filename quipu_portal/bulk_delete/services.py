"""Deleting many documents of a list as a background job.

The selection (see selection.py) is read in pages of 100 documents with their lines, in the request or,
when it is large, by the job in the background, into a draft job: one row per document holding what it
contained, for the change log. The user confirms the draft; the job then spends one DELETE per document
at the connection's background rate.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from quipu_portal.audit.services import audit_value_text, document_audit_values
from quipu_portal.bulk_delete.kinds import BULK_DELETE
from quipu_portal.jobs.models import UNCONFIRMED_STATUSES, ItemState, Job, JobItem
from quipu_portal.jobs.registry import FieldChange, Outcome
from quipu_portal.jobs.services import job_create, job_estimate_seconds, job_get
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuNotFoundError
from quipu_portal.resource_admin.access import document_number
from quipu_portal.resource_admin.selection import (
    SelectionError,
    SelectionPage,
    SelectionReader,
    list_admin,
    selection_from_query,
)
from quipu_portal.resource_admin.services import document_delete

# A job this size takes about 17 minutes at Quipu's rate limit; reading it takes 10 list requests.
MAX_DOCUMENTS = 1000
TOO_MANY = gettext_lazy("At most %(limit)d documents can be deleted at once. Narrow the filter.")
SAMPLE_SIZE = 8


# The selection -------------------------------------------------------------------------------------


def _include(admin) -> list[str] | None:
    # The lines go into the change log with the rest of the document.
    return ["items"] if admin.has_items else None


def _item_label(admin, record) -> str:
    label = admin.record_label(record)
    return label if document_number(record) else f"{label} #{record.id}"


def bulk_delete_items(*, admin, page: SelectionPage) -> list[JobItem]:
    """One row per document of a page of the selection, holding what it contained, for the change log."""
    return [
        JobItem(
            resource=admin.resource,
            document_id=record.id,
            label=_item_label(admin, record)[:200],
            before=document_audit_values(record, with_items=getattr(record, "items_loaded", True)),
            source_page=page.number,
        )
        for record in page.records
    ]


def bulk_delete_reader(admin) -> SelectionReader:
    """Reads a selection of ``admin``'s list into deletion rows."""
    return SelectionReader(
        limit=MAX_DOCUMENTS,
        too_many=TOO_MANY,
        include=_include(admin),
        rows=lambda page: bulk_delete_items(admin=admin, page=page),
    )


def bulk_delete_prepare(*, owner, connection, client, admin, query: str, ids: list[str] | None) -> Job:
    """A draft ``bulk_delete`` job over the selection, for the user to confirm. A selection larger than
    a page view may read is read by the job in the background first (it is ``preparing`` until then)."""
    selection = selection_from_query(admin=admin, query=query, ids=ids)
    items, reading = bulk_delete_reader(admin).read_in_request(client=client, selection=selection)
    complete = reading["next_page"] is None
    if complete and not items:
        raise SelectionError(_("None of the selected documents is in this list any more."))
    count = len(items) if complete else reading["expected"]
    title = ngettext(
        "Delete %(count)d document (%(list)s)", "Delete %(count)d documents (%(list)s)", count
    ) % {"count": count, "list": capfirst(admin.verbose_name_plural)}
    return job_create(
        owner=owner,
        connection=connection,
        kind=BULK_DELETE,
        title=title,
        params={"namespace": admin.namespace, "query": query, "selection": selection.as_params()},
        items=items,
        preparing=None if complete else reading,
    )


# The confirmation ----------------------------------------------------------------------------------


def bulk_delete_job_get(*, owner, admin, job_id, connection) -> Job:
    """The owner's job of this client (404 for anyone else); an unconfirmed one only when it deletes
    from this list."""
    job = job_get(owner=owner, job_id=job_id, connection=connection)
    if job.status in UNCONFIRMED_STATUSES and (
        job.kind != BULK_DELETE or job.params.get("namespace") != admin.namespace
    ):
        raise Http404("Not a deletion from this list.")
    return job


@dataclass(frozen=True)
class SampleRow:
    label: str
    issue_date: datetime.date | None
    counterpart: str
    total: Decimal | None


@dataclass(frozen=True)
class DeletionSummary:
    count: int
    # The list's query string, to go back to it.
    query: str
    left_out: int
    estimate_seconds: int
    sample: list[SampleRow]


def _sample_row(item: JobItem) -> SampleRow:
    before = item.before or {}
    try:
        issue_date = datetime.date.fromisoformat(str(before.get("issue_date")))
    except ValueError:
        issue_date = None
    try:
        total = Decimal(str(before["total_amount"])) if before.get("total_amount") is not None else None
    except InvalidOperation:
        total = None
    side = "recipient" if before.get("kind") == "income" else "issuing"
    return SampleRow(item.label, issue_date, str(before.get(f"{side}_name") or ""), total)


def bulk_delete_summary(*, job: Job) -> DeletionSummary:
    ticked = (job.params.get("selection") or {}).get("ids")
    return DeletionSummary(
        count=job.total,
        query=job.params.get("query") or "",
        # Ticked documents the list no longer shows are left alone.
        left_out=max(len(ticked) - job.total, 0) if ticked is not None else 0,
        # One request per document.
        estimate_seconds=job_estimate_seconds(requests=job.total),
        sample=[_sample_row(item) for item in job.items.order_by("position")[:SAMPLE_SIZE]],
    )


# The job's work, one document at a time -----------------------------------------------------------


def _deleted_fields(before: dict) -> tuple[FieldChange, ...]:
    """The change-log entries of a deletion: every field the document had, now empty."""
    changes = []
    for name, value in sorted(before.items()):
        text = audit_value_text(value)
        if text:
            changes.append(FieldChange(name, text, ""))
    return tuple(changes)


def _mark_sent(item: JobItem) -> None:
    JobItem.objects.filter(pk=item.pk, state=ItemState.PENDING).update(after={"delete_sent": True})


def _refusal(*, client, admin, item: JobItem, error: QuipuForbiddenError) -> str:
    """Quipu's refusal in plain words: it only says "not authorized"; the document tells why."""
    record = admin.record_get(client=client, record_id=item.document_id)
    return _("%(explanation)s Quipu said: “%(reason)s”.") % {
        "explanation": admin.refusal_explanation(record),
        "reason": error.reason or error.message,
    }


def bulk_delete_item(*, client, job: Job, item: JobItem) -> Outcome:
    """Delete one document: deleted, already gone (no error), or refused with the reason.

    Transient errors propagate: the runner tries the document again later.
    """
    admin = list_admin(job.params["namespace"])
    sent_before = bool((item.after or {}).get("delete_sent"))
    _mark_sent(item)
    try:
        document_delete(
            client=client,
            admin=admin,
            document_id=item.document_id,
            user=job.owner,
            connection=job.connection,
        )
    except QuipuNotFoundError:
        if not sent_before:
            return Outcome(ItemState.SKIPPED, after={}, error=_("It was no longer in Quipu."))
        # An earlier attempt deleted it but its answer was lost: record the deletion now, once.
    except QuipuForbiddenError as error:
        return Outcome(
            ItemState.FAILED, after={}, error=_refusal(client=client, admin=admin, item=item, error=error)
        )
    return Outcome(ItemState.CHANGED, after={}, changes=_deleted_fields(item.before or {}))
