"""The job kinds of this app: change categories, and undo such a change.

Both write the same way: read each document again at most ``reread_seconds`` before writing it, a
listing page at a time (a GET per document only for the few not found on their page), compare it with
what the preview saw, PATCH absolute values with the full item list, and check in the answer that
Quipu applied what was sent. A document that already has the target values was changed by someone
else: it is recorded as "already so", never as this job's change (so an undo leaves it alone).
"""

import logging
import math
import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quipu_portal.audit.services import audit_record_changes
from quipu_portal.bulk_categories.changes import (
    CategoryChange,
    category_state,
    fingerprint,
    flatten,
    not_applicable_reason,
    resource_of,
    state_differences,
    target_state,
    write_input,
)
from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES, UNDO
from quipu_portal.bulk_categories.services import (
    INCLUDE,
    analytic_label,
    bulk_categories_reader,
    category_label,
    job_can_undo,
    job_undo,
)
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import ItemState, JobItem
from quipu_portal.jobs.registry import (
    FieldChange,
    JobHandler,
    Outcome,
    Preparation,
    register_handler,
)
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuNotFoundError, QuipuValidationError
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import Selection, selection_list_page

logger = logging.getLogger(__name__)

ALREADY_SO = gettext_lazy(
    "Already so in Quipu (changed there since the preview): not counted as this job's change."
)


def reread_seconds() -> float:
    """How old a document read may be when it is written: its listing page is read again after that."""
    return float(getattr(settings, "QUIPU_JOB_REREAD_SECONDS", 10))


class CategoryWriteHandler(JobHandler):
    # An undo never recomputes: a document edited since the change is left alone.
    recompute_when_edited = True
    change_log = staticmethod(audit_record_changes)

    def prefetch(self, *, job, items, client) -> dict:
        """Nothing is read ahead: each document is read at most ``reread_seconds`` before its write,
        a listing page at a time (a GET per document only for those not found on their page)."""
        listing = job.params.get("listing")
        selection = Selection.from_params(listing) if listing and "namespace" in listing else None
        return {"selection": selection, "records": {}, "pages_read": {}, "refdata": None}

    def _read_page(self, *, page: int, client, prefetched) -> None:
        found = selection_list_page(
            client=client, selection=prefetched["selection"], page=page, include=INCLUDE
        )
        now = time.monotonic()
        for record in found.records:
            prefetched["records"][(resource_of(record), record.id)] = (record, now)
        prefetched["pages_read"][page] = now

    def _record(self, *, item, client, prefetched):
        records = prefetched.setdefault("records", {})
        fresh_since = time.monotonic() - reread_seconds()
        page_read_at = prefetched.setdefault("pages_read", {}).get(item.source_page, -math.inf)
        if prefetched.get("selection") is not None and page_read_at < fresh_since:
            self._read_page(page=item.source_page, client=client, prefetched=prefetched)
        record, read_at = records.get((item.resource, item.document_id), (None, -math.inf))
        if record is None or not record.items_loaded or read_at < fresh_since:
            # Not on its page any more (the list moved): read this one document.
            record = client.retrieve(item.resource, item.document_id, include=self._include(item.resource))
            records[(item.resource, item.document_id)] = (record, time.monotonic())
        return record

    @staticmethod
    def _include(resource: str):
        return None if resource == "paysheets" else ["items"]

    def _refdata(self, client, prefetched):
        if prefetched.get("refdata") is None:
            prefetched["refdata"] = reference_data(client)
        return prefetched["refdata"]

    def process_item(self, *, job, item, client, prefetched) -> Outcome:
        try:
            record = self._record(item=item, client=client, prefetched=prefetched)
        except QuipuNotFoundError:
            return Outcome(ItemState.FAILED, error=_("The document no longer exists in Quipu."))
        current = category_state(record)
        target = item.after
        if current == target and current != item.before:
            if item.written_at is None:
                # Someone else made the same change in Quipu: not this job's doing, so not undone with it.
                return Outcome(
                    ItemState.SKIPPED, after=current, fingerprint=fingerprint(record), error=ALREADY_SO
                )
            # Our own write landed but its worker died before recording it: record it now, once.
            refdata = self._refdata(client, prefetched)
            return Outcome(
                ItemState.CHANGED,
                after=current,
                fingerprint=fingerprint(record),
                changes=self._changes(item.before, current, refdata),
            )
        if fingerprint(record) != item.fingerprint:
            if not self.recompute_when_edited:
                return Outcome(
                    ItemState.SKIPPED,
                    after=current,
                    error=_("Edited in Quipu since the change; left as it is now."),
                )
            change = CategoryChange.from_params(job.params["change"])
            reason = not_applicable_reason(record, change)
            if reason:
                return Outcome(ItemState.SKIPPED, after=current, error=reason)
            target = target_state(current, change, resource=item.resource)
        if target == current:
            return Outcome(
                ItemState.SKIPPED,
                after=current,
                fingerprint=fingerprint(record),
                error=ALREADY_SO if current != item.before else "",
            )

        JobItem.objects.filter(pk=item.pk).update(written_at=timezone.now())
        try:
            written = client.update(item.resource, item.document_id, write_input(record, target))
        except QuipuValidationError as error:
            JobItem.objects.filter(pk=item.pk).update(written_at=None)  # refused: nothing was applied
            return Outcome(
                ItemState.FAILED, error=_("Quipu refused the change: %(detail)s") % {"detail": error.detail}
            )
        except QuipuForbiddenError as error:
            JobItem.objects.filter(pk=item.pk).update(written_at=None)
            return Outcome(ItemState.FAILED, error=error.reason or str(error.message))
        # A lost answer carries no document: read it back rather than guess.
        if not getattr(written, "items_loaded", False):
            written = client.retrieve(item.resource, item.document_id, include=self._include(item.resource))
        result = category_state(written)
        missed = state_differences(target, result)
        refdata = self._refdata(client, prefetched)
        changes = self._changes(current, result, refdata)
        if missed:
            lines = any(name.startswith("items[") for name in missed)
            reason = (
                _("Quipu did not apply the line categories (%(fields)s).")
                if lines
                else _("Quipu did not apply %(fields)s.")
            ) % {"fields": ", ".join(missed[:4])}
            return Outcome(
                ItemState.FAILED,
                after=result,
                fingerprint=fingerprint(written),
                error=reason,
                changes=changes,
            )
        return Outcome(ItemState.CHANGED, after=result, fingerprint=fingerprint(written), changes=changes)

    @staticmethod
    def _changes(before: dict, after: dict, refdata) -> tuple[FieldChange, ...]:
        """Readable before/after values for the change log, one per field that differs."""
        old, new = flatten(before), flatten(after)
        changes = []
        for name in sorted(set(old) | set(new)):
            if old.get(name) == new.get(name):
                continue
            changes.append(FieldChange(name, _display(name, old, refdata), _display(name, new, refdata)))
        return tuple(changes)


def _display(name: str, flat: dict, refdata) -> str:
    value = flat.get(name)
    if value in (None, [], ""):
        return ""
    if name.endswith("analytic_categories"):
        return ", ".join(f"{analytic_label(refdata, v)} (#{v})" for v in value)
    if name.endswith("accounting_subcategory"):
        sub = refdata.accounting_subcategory(value) if refdata else None
        return f"{sub.name} (#{value})" if sub is not None and sub.name else f"#{value}"
    if name.endswith("accounting_category"):
        return f"{category_label(refdata, value)} (#{value})"
    return str(value)


class BulkCategoriesHandler(CategoryWriteHandler):
    kind = BULK_CATEGORIES
    label = gettext_lazy("Change categories")

    def draft_url(self, job) -> str:
        return connection_reverse("jobs:bulk_categories_preview", args=[job.pk], connection=job.connection_id)

    def can_undo(self, job) -> bool:
        return job_can_undo(job)

    def undo(self, *, job):
        return job_undo(job=job)

    def prepare(self, *, job, client) -> Preparation:
        """Read one more page of a selection too large for the page view that asked for the preview."""
        return bulk_categories_reader(CategoryChange.from_params(job.params["change"])).preparation(
            job=job,
            client=client,
            selection=Selection.from_params(job.params["listing"]),
            nothing_found=_("No documents match this selection."),
        )


class UndoHandler(CategoryWriteHandler):
    kind = UNDO
    label = gettext_lazy("Undo")
    recompute_when_edited = False


register_handler(BulkCategoriesHandler())
register_handler(UndoHandler())
