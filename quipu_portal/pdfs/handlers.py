"""The ``pdf_bundle`` job kind: each item fetches one PDF into the bundle's folder; the end builds the file."""

import logging

from django.utils.translation import gettext

from quipu_portal.jobs.models import ItemState, JobKind
from quipu_portal.jobs.registry import JobHandler, Outcome, register_handler
from quipu_portal.pdfs import services
from quipu_portal.pdfs.archive import NotAPdfError
from quipu_portal.pdfs.models import Bundle

logger = logging.getLogger(__name__)


class PdfBundleHandler(JobHandler):
    kind = JobKind.PDF_BUNDLE

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
