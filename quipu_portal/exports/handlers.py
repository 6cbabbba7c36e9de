"""The job kinds of this app: ``list_totals`` reads a filter's pages for its sums; ``list_export`` reads
them into an export's documents, then writes the file. Neither has items: all their work is reading."""

from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.exports import services
from quipu_portal.exports.kinds import LIST_EXPORT, LIST_TOTALS
from quipu_portal.exports.models import Export
from quipu_portal.jobs.registry import JobHandler, Preparation, PreparationError, register_handler
from quipu_portal.resource_admin.selection import Selection, SelectionError


class ListTotalsHandler(JobHandler):
    kind = LIST_TOTALS
    label = _("List totals")
    starts_when_prepared = True

    def draft_url(self, job) -> str:
        selection = Selection.from_params(job.params["selection"])
        return connection_reverse(f"{selection.namespace}:list", connection=job.connection_id)

    def prepare(self, *, job, client) -> Preparation:
        try:
            state, done = services.list_totals_read_page(client=client, job=job)
        except SelectionError as error:
            raise PreparationError(str(error)) from error
        return Preparation(state=state, done=done)

    def finish(self, *, job) -> None:
        services.list_totals_finish(job=job)


class ListExportHandler(JobHandler):
    kind = LIST_EXPORT
    label = _("List export")
    starts_when_prepared = True

    def draft_url(self, job) -> str:
        return connection_reverse("exports:detail", args=[job.params["export"]], connection=job.connection_id)

    def prepare(self, *, job, client) -> Preparation:
        export = Export.objects.get(job=job)
        try:
            state, done = services.export_read_page(
                client=client,
                export=export,
                selection=Selection.from_params(job.params["selection"]),
                reading=job.params["preparing"],
            )
        except SelectionError as error:
            raise PreparationError(str(error)) from error
        return Preparation(state=state, done=done)

    def finish(self, *, job) -> None:
        services.export_write(export=Export.objects.get(job=job))


register_handler(ListTotalsHandler())
register_handler(ListExportHandler())
