"""The ``quarter_scan`` job kind: read a client's quarter page by page, then store the review.

Reading happens while the job is ``preparing`` (one listing page of 100 documents, with their lines,
per step): each document becomes a row holding its facts, settled at once. When every page is read
the job runs, finds nothing left to do and ``finish`` works out the findings from the rows.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quipu_portal.jobs.models import ItemState, JobItem
from quipu_portal.jobs.registry import JobHandler, Preparation, register_handler
from quipu_portal.quarter_review import services
from quipu_portal.quarter_review.facts import document_facts
from quipu_portal.quarter_review.kinds import QUARTER_SCAN
from quipu_portal.quipu.errors import QuipuError
from quipu_portal.quipu.records import BookEntry
from quipu_portal.quipu.refdata import reference_data, reference_data_cached
from quipu_portal.resource_admin.selection import Selection
from quipu_portal.tax_previews.book_reader import book_page_read


def _names(client):
    """Category and series names for the findings; what is cached when Quipu cannot tell now."""
    try:
        return reference_data(client)
    except QuipuError:
        return reference_data_cached(client)


class QuarterScanHandler(JobHandler):
    kind = QUARTER_SCAN
    label = _("Quarter review scan")
    state_labels = {ItemState.SKIPPED: _("Read")}
    starts_when_prepared = True

    def draft_url(self, job) -> str:
        year, quarter = job.params["year"], job.params["quarter"]
        return f"{reverse('quarter_review:worklist')}?year={year}&quarter={quarter}"

    def prepare(self, *, job, client) -> Preparation:
        page = book_page_read(
            client=client,
            selection=Selection.from_params(job.params["selection"]),
            reading=job.params["preparing"],
        )
        refdata = _names(client)
        items = []
        for record in page.records:
            if not isinstance(record, BookEntry):  # a document type this portal does not know
                continue
            facts = document_facts(record, refdata)
            items.append(
                JobItem(
                    resource=facts["resource"],
                    document_id=record.id,
                    label=facts["label"],
                    before=facts,
                    state=ItemState.SKIPPED,
                    source_page=page.number,
                )
            )
        # One page per task: each client's reading waits for its own rate budget, so the workers
        # take turns between clients instead of sleeping on one.
        return Preparation(items=items, state=page.reading, done=page.complete, pause=True)

    def finish(self, *, job) -> None:
        services.quarter_review_store(job=job)


register_handler(QuarterScanHandler())
