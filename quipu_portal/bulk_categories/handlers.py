"""The job kinds of this app: change categories, and undo such a change.

Both write the same way: re-read the chunk's documents a page at a time (a GET per document only for
the few not found on their page), compare each with what the preview saw, PATCH absolute values with
the full item list, and check in the answer that Quipu applied what was sent.
"""

import logging

from django.utils.translation import gettext as _

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
from quipu_portal.bulk_categories.services import (
    INCLUDE,
    analytic_label,
    bulk_categories_read_page,
    category_label,
)
from quipu_portal.jobs.models import ItemState, JobKind
from quipu_portal.jobs.registry import (
    FieldChange,
    JobHandler,
    Outcome,
    Preparation,
    register_handler,
)
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuNotFoundError, QuipuValidationError
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import Selection, selection_list_page, selection_preparation

logger = logging.getLogger(__name__)


class CategoryWriteHandler(JobHandler):
    # An undo never recomputes: a document edited since the change is left alone.
    recompute_when_edited = True

    def prefetch(self, *, job, items, client) -> dict:
        records: dict[tuple[str, str], object] = {}
        listing = job.params.get("listing")
        if listing and "namespace" in listing:
            selection = Selection.from_params(listing)
            for page in sorted({item.source_page for item in items}):
                found = selection_list_page(client=client, selection=selection, page=page, include=INCLUDE)
                for record in found.records:
                    records[(resource_of(record), record.id)] = record
        return {"records": records, "refdata": None}

    def _record(self, *, item, client, prefetched):
        records = prefetched.setdefault("records", {})
        record = records.get((item.resource, item.document_id))
        if record is None or not record.items_loaded:
            # Not on its page any more (the list moved): read this one document.
            record = client.retrieve(item.resource, item.document_id, include=self._include(item.resource))
            records[(item.resource, item.document_id)] = record
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
            return Outcome(ItemState.SKIPPED, after=current, fingerprint=fingerprint(record))

        try:
            written = client.update(item.resource, item.document_id, write_input(record, target))
        except QuipuValidationError as error:
            return Outcome(
                ItemState.FAILED, error=_("Quipu refused the change: %(detail)s") % {"detail": error.detail}
            )
        except QuipuForbiddenError as error:
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
    kind = JobKind.BULK_CATEGORIES

    def prepare(self, *, job, client) -> Preparation:
        """Read one more page of a selection too large for the page view that asked for the preview."""
        return selection_preparation(
            job=job,
            read=lambda: bulk_categories_read_page(
                client=client,
                selection=Selection.from_params(job.params["listing"]),
                change=CategoryChange.from_params(job.params["change"]),
                reading=job.params["preparing"],
            ),
            nothing_found=_("No documents match this selection."),
        )


class UndoHandler(CategoryWriteHandler):
    kind = JobKind.UNDO
    recompute_when_edited = False


register_handler(BulkCategoriesHandler())
register_handler(UndoHandler())
