"""Quarter reviews: start scans (one background job per client), store what they found, list them."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quipu_portal.connections.models import Connection
from quipu_portal.connections.services import connection_list
from quipu_portal.jobs.models import ItemState, Job, JobStatus
from quipu_portal.jobs.services import job_create
from quipu_portal.quarter_review.findings import review_findings, verifactu_checklist
from quipu_portal.quarter_review.kinds import QUARTER_SCAN
from quipu_portal.quarter_review.models import QuarterReview
from quipu_portal.quarter_review.periods import quarter_filter, quarter_to_file
from quipu_portal.resource_admin.selection import reading_start, selection_reading
from quipu_portal.tax_previews.book_reader import book_selection
from quipu_portal.tax_previews.services import tax_preview_latest

SCANNING_STATUSES = (JobStatus.PREPARING, JobStatus.PENDING, JobStatus.RUNNING, JobStatus.CANCELLING)


def quarter_review_get(*, connection: Connection, year: int, quarter: int) -> QuarterReview | None:
    return (
        QuarterReview.objects.select_related("job")
        .filter(connection=connection, year=year, quarter=quarter)
        .first()
    )


def quarter_scan_start(*, owner, connection: Connection, year: int, quarter: int) -> Job:
    """Start reading the client's quarter in the background, unless a scan of it is already running."""
    with transaction.atomic():
        review, _created = QuarterReview.objects.select_for_update().get_or_create(
            connection=connection, year=year, quarter=quarter
        )
        if review.job is not None and review.job.status in SCANNING_STATUSES:
            return review.job
        # The whole quarter, every document type, oldest first.
        selection = book_selection(period=quarter_filter(year, quarter), sort=["issue_date"])
        job = job_create(
            owner=owner,
            connection=connection,
            kind=QUARTER_SCAN,
            title=_("Quarter review: %(name)s, Q%(quarter)s %(year)s")
            % {"name": connection.name, "quarter": quarter, "year": year},
            params={"year": year, "quarter": quarter, "selection": selection.as_params()},
            items=[],
            preparing=reading_start(),
        )
        review.job = job
        review.save(update_fields=["job"])
    return job


def quarter_scan_all(*, owner, year: int, quarter: int) -> list[Job]:
    """One scan per client connection of the user; each client has its own rate budget."""
    return [
        quarter_scan_start(owner=owner, connection=connection, year=year, quarter=quarter)
        for connection in connection_list(owner=owner)
    ]


def quarter_review_store(*, job: Job) -> QuarterReview:
    """Work out the findings from the documents the scan read, and keep them with their date."""
    year, quarter = job.params["year"], job.params["quarter"]
    facts = list(job.items.exclude(state=ItemState.FAILED).values_list("before", flat=True))
    findings = review_findings(facts, year=year, quarter=quarter)
    uncategorised = next((len(f["documents"]) for f in findings if f["code"] == "uncategorised"), 0)
    review, _created = QuarterReview.objects.update_or_create(
        connection=job.connection,
        year=year,
        quarter=quarter,
        defaults={
            "job": job,
            "scanned_at": timezone.now(),
            "documents": len(facts),
            "uncategorised": uncategorised,
            "findings": findings,
            "verifactu": verifactu_checklist(facts, findings),
        },
    )
    return review


def quarter_tax_result(*, connection: Connection, year: int, quarter: int):
    """The modelo 303 result of the client's latest tax preview of the quarter, or None while none is
    computed."""
    preview = tax_preview_latest(connection=connection, year=year, quarter=quarter)
    return preview.result_303 if preview is not None else None


@dataclass(frozen=True)
class ScanState:
    """How the latest scan of a client's quarter is doing, for the worklist and the review page."""

    status: str  # "none", "reading", "finishing", "done", "failed", "cancelled"
    percent: int
    read: int
    expected: int
    message: str
    job: Job | None

    @property
    def active(self) -> bool:
        return self.status in ("reading", "finishing")


def scan_state(job: Job | None) -> ScanState:
    if job is None:
        return ScanState("none", 0, 0, 0, "", None)
    reading = selection_reading(job=job)
    if job.status == JobStatus.PREPARING:
        return ScanState("reading", reading.percent, reading.read, reading.expected, "", job)
    if job.status in (JobStatus.PENDING, JobStatus.RUNNING):
        return ScanState("finishing", 100, job.total, job.total, "", job)
    if job.status == JobStatus.FINISHED:
        return ScanState("done", 100, job.total, job.total, "", job)
    if job.status in (JobStatus.CANCELLING, JobStatus.CANCELLED):
        return ScanState("cancelled", reading.percent, reading.read, reading.expected, job.message, job)
    return ScanState("failed", reading.percent, reading.read, reading.expected, job.message, job)


@dataclass(frozen=True)
class WorklistRow:
    connection: Connection
    review: QuarterReview | None
    scan: ScanState
    tax_result: object

    @property
    def scanned(self) -> bool:
        return self.review is not None and self.review.scanned_at is not None

    @property
    def verifactu_done(self) -> int:
        items = self.review.verifactu if self.scanned else []
        return sum(1 for item in items if item["state"] == "ok")


def worklist_rows(*, owner, year: int, quarter: int) -> list[WorklistRow]:
    """Every client of the user with its review of the quarter; read from the database only."""
    connections = list(connection_list(owner=owner))
    reviews = {
        review.connection_id: review
        for review in QuarterReview.objects.select_related("job").filter(
            connection__in=connections, year=year, quarter=quarter
        )
    }
    rows = []
    for connection in connections:
        review = reviews.get(connection.pk)
        rows.append(
            WorklistRow(
                connection=connection,
                review=review,
                scan=scan_state(review.job if review else None),
                tax_result=quarter_tax_result(connection=connection, year=year, quarter=quarter),
            )
        )
    return rows


def default_period(today: datetime.date | None = None) -> tuple[int, int]:
    """The quarter shown when none is chosen: the one whose filing deadline comes next."""
    return quarter_to_file(today or timezone.localdate())
