"""The home page: where this quarter's work starts, and what the user's own work is doing.

It reads only the portal's tables, so opening the home page costs no Quipu request."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from quipu_portal.audit.models import AuditEntry
from quipu_portal.audit.services import audit_list
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.display import quarter_label
from quipu_portal.jobs.models import ACTIVE_STATUSES, Job
from quipu_portal.jobs.services import Progress, job_list, job_progress
from quipu_portal.pdfs.models import Bundle
from quipu_portal.pdfs.services import bundle_list

RECENT_JOBS = 5
RECENT_CHANGES = 8
READY_DOWNLOADS = 5

# The lists an accountant opens for a quarter, with the filter each needs.
QUARTER_LISTS = (
    (_("Income invoices"), "invoices:list", {"kind": "income"}),
    (_("Expense invoices"), "invoices:list", {"kind": "expenses"}),
    (_("Simplified invoices"), "simplified_invoices:list", {}),
    (_("Additional income"), "additional_income:list", {}),
    (_("Paysheets"), "paysheets:list", {}),
    (_("Every book entry"), "book_entries:list", {}),
)


@dataclass(frozen=True)
class QuarterLinks:
    title: str
    label: str
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class JobRow:
    job: Job
    progress: Progress


@dataclass(frozen=True)
class Dashboard:
    quarters: tuple[QuarterLinks, ...]
    jobs: tuple[JobRow, ...]
    downloads: tuple[Bundle, ...]
    changes: tuple[AuditEntry, ...]


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_links(day: datetime.date, title: str, *, connection=None) -> QuarterLinks:
    """Links to the quarter of ``day`` in every document list that the portal offers, for one client."""
    period = {"period": "quarter", "year": day.year, "quarter": (day.month - 1) // 3 + 1}
    links = []
    for label, url_name, filters in QUARTER_LISTS:
        try:
            url = connection_reverse(url_name, connection=connection)
        except NoReverseMatch:
            continue
        links.append((label, f"{url}?{urlencode({**period, **filters})}"))
    return QuarterLinks(title, quarter_label(day), tuple(links))


def dashboard_get(
    *, user: AbstractBaseUser, connection=None, today: datetime.date | None = None
) -> Dashboard:
    """The home page of ``user``: the quarters of ``connection`` (the client last used), and their work."""
    today = today or timezone.localdate()
    previous = quarter_start(today) - datetime.timedelta(days=1)
    jobs: QuerySet[Job] = job_list(owner=user).order_by("-created_at")
    active = list(jobs.filter(status__in=ACTIVE_STATUSES))
    recent = list(jobs.exclude(status__in=ACTIVE_STATUSES)[: max(RECENT_JOBS - len(active), 0)])
    downloads = [bundle for bundle in bundle_list(owner=user).filter(deleted_at=None)[:20] if bundle.is_ready]
    return Dashboard(
        quarters=(
            quarter_links(previous, _("Last quarter"), connection=connection),
            quarter_links(today, _("This quarter"), connection=connection),
        ),
        jobs=tuple(JobRow(job, job_progress(job=job)) for job in [*active, *recent]),
        downloads=tuple(downloads[:READY_DOWNLOADS]),
        changes=tuple(audit_list(user=user)[:RECENT_CHANGES]),
    )
