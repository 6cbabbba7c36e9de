"""The ``pdf_bundle`` job kind: each item fetches one PDF into the bundle's folder; the end builds the file."""

import logging

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import ItemState
from quipu_portal.jobs.registry import JobHandler, Outcome, Preparation, register_handler
from quipu_portal.pdfs import services
from quipu_portal.pdfs.archive import NotAPdfError
from quipu_portal.pdfs.kinds import PDF_BUNDLE
from quipu_portal.pdfs.models import Bundle
from quipu_portal.resource_admin.selection import Selection, selection_preparation

logger = logging.getLogger(__name__)


class PdfBundleHandler(JobHandler):
    kind = PDF_BUNDLE
    label = _("PDF bundle")
    # The user confirmed the download before its documents were read.
    starts_when_prepared = True

    def draft_url(self, job) -> str:
        return connection_reverse("pdfs:bundle", args=[job.params["bundle"]], connection=job.connection_id)

    def prepare(self, *, job, client) -> Preparation:
        """Read one more page of a selection too large for the page view that started the download."""
        bundle = Bundle.objects.get(job=job)
        return selection_preparation(
            job=job,
            read=lambda: services.bundle_read_page(
                client=client,
                bundle=bundle,
                selection=Selection.from_params(job.params["selection"]),
                reading=job.params["preparing"],
            ),
            nothing_found=gettext("None of the selected documents has a PDF in Quipu."),
        )

    def prefetch(self, *, job, items, client) -> dict:
        """The bundle and the chunk's document rows, read once per chunk (no request to Quipu)."""
        bundle = Bundle.objects.get(job=job)
        rows = bundle.documents.filter(document_id__in=[item.document_id for item in items])
        return {"bundle": bundle, "rows": {row.document_id: row for row in rows}}

    def process_item(self, *, job, item, client, prefetched: dict) -> Outcome:
        """Fetch one PDF. Quipu's errors go to the runner: transient ones are retried, others fail the item."""
        bundle = prefetched.get("bundle") or Bundle.objects.get(job=job)
        row = prefetched.get("rows", {}).get(item.document_id) or bundle.documents.get(
            document_id=item.document_id
        )
        try:
            services.bundle_document_fetch(client=client, bundle=bundle, row=row)
        except NotAPdfError:
            return Outcome(state=ItemState.FAILED, error=gettext("Quipu sent something that is not a PDF."))
        return Outcome(state=ItemState.CHANGED)

    def finish(self, *, job) -> None:
        bundle = Bundle.objects.get(job=job)
        problems = dict(job.items.filter(state=ItemState.FAILED).values_list("document_id", "error"))
        services.bundle_assemble(bundle=bundle, problems=problems)


register_handler(PdfBundleHandler())
