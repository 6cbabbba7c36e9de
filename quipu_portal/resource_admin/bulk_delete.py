"""Deleting many documents of a list as a background job.

The selection is read in the request, in pages of 100 documents with their lines, and stored as a
draft job: one row per document holding what it contained, for the change log. The user confirms the
draft; the job then spends one DELETE per document at the connection's background rate.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import import_module

from django.conf import settings
from django.http import Http404, QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quipu_portal.audit.services import audit_value_text, document_audit_values
from quipu_portal.jobs.models import ItemState, Job, JobItem, JobKind, JobStatus
from quipu_portal.jobs.registry import FieldChange, Outcome
from quipu_portal.jobs.services import job_create, job_estimate_seconds, job_get, job_start
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuNotFoundError
from quipu_portal.resource_admin.access import document_number
from quipu_portal.resource_admin.filters import DocumentFilterForm, parse_sort
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.services import document_delete, document_list

# A job this size takes about 17 minutes at Quipu's rate limit; reading it takes 10 list requests.
MAX_DOCUMENTS = 1000
PAGE_SIZE = 100
SAMPLE_SIZE = 8


class SelectionError(Exception):
    """The selection cannot become a deletion job; the message is for the user."""


# The selection -------------------------------------------------------------------------------------


def list_filters_from_query(*, admin, query: str) -> dict:
    """The API filters of a list page's query string. Never widened: an unreadable filter is refused."""
    data = QueryDict(query or "")
    # The contact filter holds an id the list offered; accept it as it came.
    contacts = [(data["contact"], data["contact"])] if data.get("contact") else []
    form = DocumentFilterForm(data, filters=admin.list_filters, contact_choices=contacts)
    if not form.is_valid():
        raise SelectionError(_("The list's filter could not be read. Apply it again and retry."))
    return form.api_filters()


def bulk_delete_select(*, client, admin, query: str, ids: list[str] | None) -> tuple[list, list[str]]:
    """The documents as Quipu lists them now: every one matching the list's filter (``ids`` None) or
    the ticked ones among them; and the ticked ids the list no longer shows, which are left alone."""
    filters = list_filters_from_query(admin=admin, query=query)
    sort = parse_sort(QueryDict(query or "").get("sort"), admin.sorts) or list(admin.default_sort)
    wanted = set(ids) if ids is not None else None
    found: dict[str, object] = {}
    number = 1
    while True:
        page = document_list(
            client=client,
            admin=admin,
            filters=filters,
            sort=sort,
            page=number,
            page_size=PAGE_SIZE,
            include=["items"] if admin.has_items else None,
        )
        if page.ignored_filters:
            raise SelectionError(
                _("Quipu did not apply the list's filters, so nothing will be deleted. Try again later.")
            )
        if wanted is None and page.total_results > MAX_DOCUMENTS:
            raise SelectionError(
                _("At most %(limit)d documents can be deleted at once. Narrow the filter.")
                % {"limit": MAX_DOCUMENTS}
            )
        for record in page.records:
            if wanted is None or record.id in wanted:
                found.setdefault(record.id, record)
        if wanted is not None and len(found) >= len(wanted):
            break
        if not page.records or number >= page.total_pages or number * PAGE_SIZE >= MAX_DOCUMENTS:
            break
        number += 1
    missing = [document_id for document_id in ids or () if document_id not in found]
    return list(found.values()), missing


def _item_label(admin, record) -> str:
    label = admin.record_label(record)
    return label if document_number(record) else f"{label} #{record.id}"


def bulk_delete_prepare(*, owner, connection, client, admin, query: str, ids: list[str] | None) -> Job:
    """A draft ``bulk_delete`` job over the selection, for the user to confirm."""
    records, missing = bulk_delete_select(client=client, admin=admin, query=query, ids=ids)
    if not records:
        raise SelectionError(_("None of the selected documents is in this list any more."))
    items = [
        JobItem(
            resource=admin.resource,
            document_id=record.id,
            label=_item_label(admin, record)[:200],
            before=document_audit_values(record, with_items=getattr(record, "items_loaded", True)),
        )
        for record in records
    ]
    title = ngettext(
        "Delete %(count)d document (%(list)s)", "Delete %(count)d documents (%(list)s)", len(items)
    ) % {"count": len(items), "list": capfirst(admin.verbose_name_plural)}
    return job_create(
        owner=owner,
        connection=connection,
        kind=JobKind.BULK_DELETE,
        title=title,
        params={"namespace": admin.namespace, "query": query, "left_out": len(missing)},
        items=items,
    )


# The confirmation ----------------------------------------------------------------------------------


def bulk_delete_job_get(*, owner, admin, job_id) -> Job:
    """The owner's job (404 for anyone else); a draft only when it deletes from this list."""
    job = job_get(owner=owner, job_id=job_id)
    if job.status == JobStatus.DRAFT and (
        job.kind != JobKind.BULK_DELETE or job.params.get("namespace") != admin.namespace
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
    return DeletionSummary(
        count=job.total,
        query=job.params.get("query") or "",
        left_out=int(job.params.get("left_out") or 0),
        # One request per document.
        estimate_seconds=job_estimate_seconds(requests=job.total),
        sample=[_sample_row(item) for item in job.items.order_by("position")[:SAMPLE_SIZE]],
    )


def bulk_delete_start(*, job: Job) -> Job:
    return job_start(job=job)


def bulk_delete_discard(*, job: Job) -> None:
    job.delete()


# The job's work, one document at a time -----------------------------------------------------------


def _list_admin(namespace: str):
    import_module(settings.ROOT_URLCONF)  # the resource apps register their admins with their URLs
    return REGISTRY[namespace]


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
    admin = _list_admin(job.params["namespace"])
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
