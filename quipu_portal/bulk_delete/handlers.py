"""The ``bulk_delete`` job kind: each item deletes one document of a list (see services.py)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quipu_portal.audit.services import audit_record_changes
from quipu_portal.bulk_delete.kinds import BULK_DELETE
from quipu_portal.bulk_delete.services import bulk_delete_item, bulk_delete_reader
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import ItemState
from quipu_portal.jobs.registry import JobHandler, Outcome, Preparation, register_handler
from quipu_portal.resource_admin.selection import Selection


class BulkDeleteHandler(JobHandler):
    kind = BULK_DELETE
    label = _("Delete documents")
    state_labels = {
        ItemState.CHANGED: _("Deleted"),
        ItemState.SKIPPED: _("Already gone"),
        ItemState.FAILED: _("Not deleted"),
    }
    removes_documents = True
    change_log = staticmethod(audit_record_changes)

    def prepare(self, *, job, client) -> Preparation:
        """Read one more page of a selection too large for the page view that asked to delete it."""
        selection = Selection.from_params(job.params["selection"])
        return bulk_delete_reader(selection.admin).preparation(
            job=job,
            client=client,
            selection=selection,
            nothing_found=gettext("None of the selected documents is in this list any more."),
        )

    def process_item(self, *, job, item, client, prefetched) -> Outcome:
        return bulk_delete_item(client=client, job=job, item=item)

    def draft_url(self, job) -> str:
        return connection_reverse(
            f"{job.params['namespace']}:bulk-delete", args=[job.pk], connection=job.connection_id
        )


register_handler(BulkDeleteHandler())
