"""The worklist of every client's quarter, one client's review, and the scans behind them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.bulk_categories.changes import SCOPE_BOTH
from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import connection_get
from quipu_portal.core.htmx import is_partial, render_polled
from quipu_portal.jobs.views import document_url
from quipu_portal.quarter_review import services
from quipu_portal.quarter_review.forms import QuarterForm, ScanForm
from quipu_portal.quarter_review.periods import filing_deadline, upcoming_deadlines

DOCUMENTS_SHOWN = 50


def _period(request) -> tuple[int, int]:
    form = QuarterForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["year"], form.cleaned_data["quarter"]
    return services.default_period()


@require_GET
def worklist(request):
    year, quarter = _period(request)
    rows = services.worklist_rows(owner=request.user, year=year, quarter=quarter)
    active = any(row.scan.active for row in rows)
    today = timezone.localdate()
    context = {
        "rows": rows,
        "year": year,
        "quarter": quarter,
        "form": QuarterForm(initial={"year": year, "quarter": quarter}),
        "deadlines": upcoming_deadlines(today),
        "deadline": filing_deadline(year, quarter),
        "today": today,
        "active": active,
    }
    if is_partial(request):
        return render_polled(
            request, "quarter_review/worklist.html#worklist-rows", context, keep_polling=active
        )
    return render(request, "quarter_review/worklist.html", context)


@require_POST
def scan(request):
    form = ScanForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Choose a year and a quarter to scan."))
        return redirect("quarter_review:worklist")
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    connection_id = form.cleaned_data.get("connection")
    if connection_id:
        connection = connection_get(owner=request.user, connection_id=connection_id)
        services.quarter_scan_start(owner=request.user, connection=connection, year=year, quarter=quarter)
        messages.success(
            request, _("Scanning “%(name)s” in the background. This page follows it.") % {"name": connection}
        )
        return redirect(
            connection_reverse(
                "quarter_review_client:review",
                connection=connection,
                query={"year": year, "quarter": quarter},
            )
        )
    jobs = services.quarter_scan_all(owner=request.user, year=year, quarter=quarter)
    messages.success(
        request,
        ngettext(
            "Scanning %(count)d client in the background.",
            "Scanning %(count)d clients in the background, each within its own rate limit.",
            len(jobs),
        )
        % {"count": len(jobs)},
    )
    return redirect(f"{reverse('quarter_review:worklist')}?year={year}&quarter={quarter}")


def _list_url(namespace: str | None, query: str) -> str | None:
    if not namespace:
        return None
    try:
        return f"{connection_reverse(f'{namespace}:list')}?{query}"
    except NoReverseMatch:
        return None


def _finding_view(finding: dict) -> dict:
    documents = [
        {**document, "url": document_url(document["resource"], document["id"])}
        for document in finding["documents"]
    ]
    return {
        **finding,
        "shown": documents[:DOCUMENTS_SHOWN],
        "more": max(len(documents) - DOCUMENTS_SHOWN, 0),
        "list_url": _list_url(finding.get("namespace"), finding.get("query", "")),
    }


@connection_required
@require_GET
def review(request):
    year, quarter = _period(request)
    review = services.quarter_review_get(connection=request.connection, year=year, quarter=quarter)
    state = services.scan_state(review.job if review else None)
    findings = [_finding_view(finding) for finding in (review.findings if review else [])]
    context = {
        "connection": request.connection,
        "review": review,
        "scan": state,
        "findings": findings,
        "year": year,
        "quarter": quarter,
        "form": QuarterForm(initial={"year": year, "quarter": quarter}),
        "deadline": filing_deadline(year, quarter),
        "fix_scope": SCOPE_BOTH,
        "tax_result": services.quarter_tax_result(connection=request.connection, year=year, quarter=quarter),
    }
    if is_partial(request):
        return render_polled(
            request, "quarter_review/review.html#review-body", context, keep_polling=state.active
        )
    return render(request, "quarter_review/review.html", context)
