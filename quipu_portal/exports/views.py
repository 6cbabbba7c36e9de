"""A list's totals region and its exports: each view parses the list's query, calls one service and
renders a region (htmx) or a page. Large lists are read by jobs whose progress the regions poll."""

import math

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import is_partial, render_polled
from quipu_portal.exports import services
from quipu_portal.exports.forms import ExportStartForm, ListQueryForm
from quipu_portal.files.filenames import content_disposition
from quipu_portal.files.services import generated_file_path
from quipu_portal.files.views import generated_file_response
from quipu_portal.jobs.models import UNCONFIRMED_STATUSES, Job, JobStatus
from quipu_portal.jobs.services import job_estimate_seconds, job_prepare_again
from quipu_portal.resource_admin.access import DOCUMENT_NAMESPACES
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import (
    IN_REQUEST_PAGES,
    PAGE_SIZE,
    SelectionError,
    selection_from_query,
    selection_reading,
)

READING_STATUSES = (JobStatus.PREPARING, JobStatus.PENDING, JobStatus.RUNNING)


def _document_admin(namespace: str):
    admin = REGISTRY.get(namespace)
    if admin is None or namespace not in set(DOCUMENT_NAMESPACES.values()) | {"book_entries"}:
        raise Http404
    return admin


def _list_url(namespace: str, query: str) -> str:
    return connection_reverse(f"{namespace}:list") + (f"?{query}" if query else "")


def _posted_query(request) -> str:
    """The list's query string a totals button sent back (empty when it is missing or unreadable)."""
    form = ListQueryForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("query") or ""


def _totals_response(request, *, admin, query: str, totals=None, job: Job | None = None, error: str = ""):
    reading = job is not None and job.status in READING_STATUSES
    context = {
        "admin": admin,
        "query": query,
        "list_totals": totals,
        "totals_job": job,
        "totals_reading": selection_reading(job=job) if reading else None,
        "totals_error": error or (job.message if job is not None and not reading and totals is None else ""),
    }
    return render_polled(
        request, "exports/_totals.html", context, keep_polling=reading or not is_partial(request)
    )


@connection_required
@require_GET
def list_totals(request, namespace):
    """The totals region of a list (its query string is this URL's): computed a short while ago, being
    read by a job, or offered for calculation."""
    admin = _document_admin(namespace)
    query = request.GET.urlencode()
    try:
        selection = selection_from_query(admin=admin, query=query, ids=None)
    except SelectionError as error:
        return _totals_response(request, admin=admin, query=query, error=str(error))
    totals = services.list_totals_cached(connection=request.connection, selection=selection)
    job = None
    if totals is None:
        job = services.list_totals_job(owner=request.user, connection=request.connection, selection=selection)
    return _totals_response(request, admin=admin, query=query, totals=totals, job=job)


@connection_required
@quipu_boundary
@require_POST
def list_totals_calculate(request, namespace):
    """Read the whole filter for its totals: here when a page view may, else in a background job."""
    admin = _document_admin(namespace)
    query = _posted_query(request)
    try:
        selection = selection_from_query(admin=admin, query=query, ids=None)
        found = services.list_totals_calculate(
            client=client_for(request.connection),
            owner=request.user,
            connection=request.connection,
            selection=selection,
        )
    except SelectionError as error:
        if not is_partial(request):
            messages.error(request, str(error))
            return redirect(_list_url(namespace, query))
        return _totals_response(request, admin=admin, query=query, error=str(error))
    if not is_partial(request):
        return redirect(_list_url(namespace, query))
    if isinstance(found, Job):
        return _totals_response(request, admin=admin, query=query, job=found)
    return _totals_response(request, admin=admin, query=query, totals=found)


@connection_required
@require_POST
def list_totals_cancel(request, namespace):
    admin = _document_admin(namespace)
    query = _posted_query(request)
    try:
        selection = selection_from_query(admin=admin, query=query, ids=None)
    except SelectionError:
        return redirect(_list_url(namespace, query))
    services.list_totals_cancel(owner=request.user, connection=request.connection, selection=selection)
    if not is_partial(request):
        return redirect(_list_url(namespace, query))
    return _totals_response(request, admin=admin, query=query)


def totals_estimate(*, total_results: int) -> int:
    """Seconds a background read of ``total_results`` documents takes at the rate budget."""
    return job_estimate_seconds(requests=math.ceil(total_results / PAGE_SIZE))


# Exports ----------------------------------------------------------------------------------------


@connection_required
@quipu_boundary
@require_POST
def export_start(request, namespace):
    admin = _document_admin(namespace)
    form = ExportStartForm(request.POST)
    query = request.POST.get("query") or ""
    if not form.is_valid():
        messages.error(request, _("Choose the format of the file."))
        return redirect(_list_url(namespace, query))
    query = form.cleaned_data["query"]
    try:
        selection = selection_from_query(admin=admin, query=query, ids=None)
        export = services.export_start(
            owner=request.user,
            connection=request.connection,
            client=client_for(request.connection),
            selection=selection,
            format=form.cleaned_data["format"],
            lines=form.cleaned_data["lines"],
            query=query,
        )
    except SelectionError as error:
        messages.error(request, str(error))
        return redirect(_list_url(namespace, query))
    return redirect(connection_reverse("exports:detail", args=[export.pk]))


@require_GET
def export_detail(request, pk):
    """The reading's progress while a job reads the list (the region polls itself), then the download."""
    export = services.export_get(owner=request.user, export_id=pk)
    job = export.job
    reading = bool(job) and job.status in UNCONFIRMED_STATUSES
    writing = bool(job) and job.status in (JobStatus.PENDING, JobStatus.RUNNING)
    context = {
        "export": export,
        "job": job,
        "reading": selection_reading(job=job) if reading else None,
        "writing": writing,
        "file_ready": generated_file_path(generated=export) is not None,
        "list_url": _list_url(export.namespace, export.query),
    }
    if is_partial(request):
        keep_polling = bool(job) and (writing or job.status == JobStatus.PREPARING)
        return render_polled(
            request, "exports/export_detail.html#export-status", context, keep_polling=keep_polling
        )
    return render(request, "exports/export_detail.html", context)


@require_POST
def export_cancel(request, pk):
    export = services.export_get(owner=request.user, export_id=pk)
    list_url = _list_url(export.namespace, export.query)
    if export.job and export.job.status in UNCONFIRMED_STATUSES:
        services.export_discard(export=export)
        messages.info(request, _("The export was cancelled."))
    return redirect(list_url)


@require_POST
def export_resume(request, pk):
    export = services.export_get(owner=request.user, export_id=pk)
    if export.job and export.job.status == JobStatus.PREPARATION_FAILED:
        job_prepare_again(job=export.job)
    return redirect(connection_reverse("exports:detail", args=[export.pk]))


@require_GET
def export_file(request, pk):
    """The finished file, only for its owner (anyone else gets 404)."""
    export = services.export_get(owner=request.user, export_id=pk)
    return generated_file_response(
        request,
        export,
        disposition=content_disposition(ascii_name=export.file_name),
        detail_url=connection_reverse("exports:detail", args=[export.pk]),
        expired_message=_("This file has expired and was deleted. Export the list again."),
    )


def list_totals_context(request, *, admin, page) -> dict:
    """What a document list's totals region shows, asking Quipu nothing more: the page's own totals when
    it holds the whole filter, else totals computed a short while ago, else a job reading them."""
    try:
        selection = selection_from_query(admin=admin, query=request.GET.urlencode(), ids=None)
    except SelectionError as error:
        return {"totals_error": str(error)}
    totals = services.list_totals_of_page(selection=selection, page=page)
    whole_page = totals is not None
    if totals is None:
        totals = services.list_totals_cached(connection=request.connection, selection=selection)
    job = None
    if totals is None:
        job = services.list_totals_job(owner=request.user, connection=request.connection, selection=selection)
    reading = job is not None and job.status in READING_STATUSES
    in_request = PAGE_SIZE * IN_REQUEST_PAGES
    return {
        "list_totals": totals,
        "totals_whole_page": whole_page,
        "totals_job": job,
        "totals_reading": selection_reading(job=job) if reading else None,
        "totals_error": job.message if job is not None and not reading else "",
        "totals_count": page.total_results,
        "totals_seconds": totals_estimate(total_results=page.total_results)
        if page.total_results > in_request
        else 0,
    }
