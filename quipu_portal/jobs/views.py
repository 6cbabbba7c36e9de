"""Job pages: the list, one job with its live progress, and the actions on it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.htmx import is_partial, render_polled
from quipu_portal.jobs import services
from quipu_portal.jobs.models import UNCONFIRMED_STATUSES, ItemState
from quipu_portal.jobs.registry import JobRefusedError, handler_for

ITEMS_PER_PAGE = 50
# The portal's pages for each API resource (its URL namespace).
DOCUMENT_NAMESPACES = {
    "invoices": "invoices",
    "simplified_invoices": "simplified_invoices",
    "additional_incomes": "additional_income",
    "tickets": "tickets",
    "paysheets": "paysheets",
}


def document_url(resource: str, document_id: str) -> str | None:
    try:
        return connection_reverse(f"{DOCUMENT_NAMESPACES.get(resource, resource)}:detail", args=[document_id])
    except NoReverseMatch:
        return None


@require_GET
def job_list(request):
    jobs = services.job_list(owner=request.user)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    rows = [{"job": job, "progress": services.job_progress(job=job)} for job in page.object_list]
    return render(request, "jobs/list.html", {"page": page, "rows": rows})


def _item_url(handler, item) -> str | None:
    if handler.removes_documents and item.state in (ItemState.CHANGED, ItemState.SKIPPED):
        return None
    return document_url(item.resource, item.document_id)


def _detail_context(request, job) -> dict:
    state = request.GET.get("state") if request.GET.get("state") in ItemState.values else ""
    items = job.items.all()
    if state:
        items = items.filter(state=state)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    handler = handler_for(job.kind)
    labels = {**dict(ItemState.choices), **handler.state_labels}
    rows = [
        {"item": item, "url": _item_url(handler, item), "state_label": labels[item.state]}
        for item in page.object_list
    ]
    return {
        "rows": rows,
        "job": job,
        "progress": services.job_progress(job=job),
        "items_page": page,
        "state": state,
        "states": list(labels.items()),
        "state_labels": labels,
        "can_cancel": job.status in ("pending", "running"),
        "can_retry": services.job_can_retry(job),
        "can_undo": handler.can_undo(job),
        "query": request.GET.urlencode(),
    }


@require_GET
def job_detail(request, pk):
    job = services.job_get(owner=request.user, job_id=pk, connection=request.connection)
    if job.status in UNCONFIRMED_STATUSES:
        draft_url = handler_for(job.kind).draft_url(job)
        if draft_url is None:
            raise Http404("This job has no confirmation page.")
        return redirect(draft_url)
    context = _detail_context(request, job)
    if is_partial(request):
        return render_polled(request, "jobs/detail.html#job-progress", context, keep_polling=job.is_active)
    return render(request, "jobs/detail.html", context)


@require_POST
def job_cancel(request, pk):
    job = services.job_cancel(
        job=services.job_get(owner=request.user, job_id=pk, connection=request.connection)
    )
    if job.status == "cancelling":
        messages.info(request, _("The job stops after the document it is writing now."))
    return redirect(connection_reverse("jobs:detail", args=[job.pk]))


@require_POST
def job_retry(request, pk):
    job = services.job_get(owner=request.user, job_id=pk, connection=request.connection)
    if not services.job_can_retry(job):
        messages.warning(request, _("There is nothing to retry in this job."))
        return redirect(connection_reverse("jobs:detail", args=[job.pk]))
    services.job_retry_failed(job=job)
    messages.success(request, _("The failed documents are queued again."))
    return redirect(connection_reverse("jobs:detail", args=[job.pk]))


@require_POST
def job_undo_view(request, pk):
    job = services.job_get(owner=request.user, job_id=pk, connection=request.connection)
    try:
        undo = handler_for(job.kind).undo(job=job)
    except JobRefusedError as error:
        messages.warning(request, str(error))
        return redirect(connection_reverse("jobs:detail", args=[job.pk]))
    messages.success(request, _("Undoing: each document gets back the values it had before the job."))
    return redirect(connection_reverse("jobs:detail", args=[undo.pk]))


@require_GET
def job_indicator(request):
    """The top bar's indicator: polled every 2 s while the user's jobs run; 286 stops it after."""
    running = list(services.job_running_for(owner=request.user)[:3])
    context = {
        "indicator_jobs": [{"job": job, "progress": services.job_progress(job=job)} for job in running]
    }
    return render_polled(request, "jobs/indicator.html", context, keep_polling=bool(running))
