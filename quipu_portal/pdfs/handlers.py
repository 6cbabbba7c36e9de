"""The ``pdf_bundle`` job kind: each item fetches one PDF into the bundle's folder; the end builds the file."""

import logging

from django.utils.translation import gettext

from quipu_portal.jobs.models import ItemState, JobKind
from quipu_portal.jobs.registry import JobHandler, Outcome, register_handler
from quipu_portal.pdfs import services
from quipu_portal.pdfs.archive import NotAPdfError
from quipu_portal.pdfs.models import Bundle
from quipu_portal.quipu.errors import (
    QuipuError,
    QuipuRateLimitedError,
    QuipuServerError,
    QuipuUnavailableError,
)

logger = logging.getLogger(__name__)

# A PDF that fails this often for transient reasons (rate limit, outage) is reported as failed.
MAX_ATTEMPTS = 3


class PdfBundleHandler(JobHandler):
    kind = JobKind.PDF_BUNDLE

    def process_item(self, *, job, item, client, prefetched: dict) -> Outcome:
        bundle = Bundle.objects.get(job=job)
        try:
            services.bundle_document_fetch(client=client, bundle=bundle, document_id=item.document_id)
        except (QuipuRateLimitedError, QuipuUnavailableError, QuipuServerError) as error:
            if item.attempts + 1 < MAX_ATTEMPTS:
                return Outcome(state=ItemState.PENDING, error=str(error.message), retry=True)
            return Outcome(state=ItemState.FAILED, error=str(error.message))
        except QuipuError as error:
            return Outcome(state=ItemState.FAILED, error=str(error.message))
        except NotAPdfError as error:
            return Outcome(state=ItemState.FAILED, error=gettext("Quipu sent something that is not a PDF."))
        return Outcome(state=ItemState.CHANGED)

    def finish(self, *, job) -> None:
        bundle = Bundle.objects.get(job=job)
        problems = dict(job.items.filter(state=ItemState.FAILED).values_list("document_id", "error"))
        services.bundle_assemble(bundle=bundle, problems=problems)


register_handler(PdfBundleHandler())
