"""Bulk delete: a draft job to confirm, then a background job."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import redirect_to as _redirect
from quipu_portal.core.once import once_done, once_forget, once_release, sent_once
from quipu_portal.jobs.models import UNCONFIRMED_STATUSES, JobStatus
from quipu_portal.jobs.services import job_discard, job_prepare_again, job_start
from quipu_portal.resource_admin import bulk_delete
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.forms import BulkSelectionForm
from quipu_portal.resource_admin.pages import list_url as _list_url
from quipu_portal.resource_admin.pages import templates as _templates
from quipu_portal.resource_admin.selection import SelectionError, selection_reading


@connection_required
@quipu_boundary
@require_POST
def resource_bulk(request, *, admin):
    """The list's "Delete selected": read the selection into a draft job and ask for confirmation."""
    form = BulkSelectionForm(request.POST)
    list_url = _list_url(admin, request.POST.get("query", ""))
    if request.POST.get("action") != "delete" or "delete" not in admin.bulk_actions:
        messages.error(request, _("Choose an action."))
        return _redirect(request, list_url)
    if not form.is_valid():
        messages.warning(request, _("Tick at least one document first."))
        return _redirect(request, list_url)
    with sent_once(request) as claim:
        if claim.result_url:  # a double click: the draft the first click made
            return _redirect(request, claim.result_url)
        try:
            job = bulk_delete.bulk_delete_prepare(
                owner=request.user,
                connection=request.connection,
                client=client_for(request.connection),
                admin=admin,
                query=form.cleaned_data["query"],
                ids=form.selected_ids(),
            )
        except SelectionError as error:
            once_release(claim)
            messages.error(request, str(error))
            return _redirect(request, list_url)
        confirm_url = connection_reverse(f"{admin.namespace}:bulk-delete", args=[job.pk])
        once_done(claim, url=confirm_url)
    return _redirect(request, confirm_url)


@require_http_methods(["GET", "POST"])
def bulk_delete_confirm(request, job_id, *, admin):
    """How many documents, a sample and a warning; on confirmation the job starts. While a large
    selection is still being read in the background, its progress, polled until the draft is ready."""
    job = bulk_delete.bulk_delete_job_get(
        owner=request.user, admin=admin, job_id=job_id, connection=request.connection
    )
    if job.status not in UNCONFIRMED_STATUSES:
        return redirect(connection_reverse("jobs:detail", args=[job.pk]))
    summary = bulk_delete.bulk_delete_summary(job=job)
    list_url = _list_url(admin, summary.query)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "discard":
            job_discard(job=job)
            once_forget(owner=request.user, url=request.path)
            messages.info(request, _("Nothing was deleted."))
            return redirect(list_url)
        if action == "read_again":
            job_prepare_again(job=job)
        elif job.status == JobStatus.DRAFT:
            job_start(job=job)
            messages.success(
                request, _("The documents are being deleted in the background. You can leave this page.")
            )
            return redirect(connection_reverse("jobs:detail", args=[job.pk]))
        return redirect(request.path)
    context = {
        "admin": admin,
        "opts": admin,
        "connection": job.connection,
        "job": job,
        "summary": summary,
        "list_url": list_url,
        "reading": selection_reading(job=job) if job.status != JobStatus.DRAFT else None,
    }
    if request.htmx and not request.htmx.boosted:
        # Swapped in below the page's own heading (the job's title): it becomes a second-level one.
        context["heading_tag"] = "h2"
        response = render(
            request, [f"{name}#confirm-body" for name in _templates(admin, "bulk_confirm")], context
        )
        if job.status != JobStatus.PREPARING:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, _templates(admin, "bulk_confirm"), context)
