"""A list's "Delete selected": a draft job to confirm, then a background job (see services.py)."""

from functools import partial

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quipu_portal.bulk_delete import services
from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import redirect_to
from quipu_portal.jobs.flow import DraftPage, draft_create_once, draft_page
from quipu_portal.jobs.models import JobStatus
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.forms import BulkSelectionForm
from quipu_portal.resource_admin.selection import SelectionError, selection_reading


def _list_url(admin, query: str) -> str:
    """The list page, filtered and sorted as the user left it."""
    return connection_reverse(f"{admin.namespace}:list") + (f"?{query}" if query else "")


@connection_required
@quipu_boundary
@require_POST
def resource_bulk(request, *, admin):
    """The list's "Delete selected": read the selection into a draft job and ask for confirmation."""
    form = BulkSelectionForm(request.POST)
    list_url = _list_url(admin, request.POST.get("query", ""))
    if request.POST.get("action") != "delete" or "delete" not in admin.bulk_actions:
        messages.error(request, _("Choose an action."))
        return redirect_to(request, list_url)
    if not form.is_valid():
        messages.warning(request, _("Tick at least one document first."))
        return redirect_to(request, list_url)
    try:
        drafted = draft_create_once(
            request,
            create=partial(
                services.bulk_delete_prepare,
                client=client_for(request.connection),
                admin=admin,
                query=form.cleaned_data["query"],
                ids=form.selected_ids(),
            ),
            url_for=lambda job: connection_reverse(f"{admin.namespace}:bulk-delete", args=[job.pk]),
        )
    except SelectionError as error:
        messages.error(request, str(error))
        return redirect_to(request, list_url)
    return redirect_to(request, drafted.url)


@require_http_methods(["GET", "POST"])
def bulk_delete_confirm(request, job_id, *, admin):
    """How many documents, a sample and a warning; on confirmation the job starts. While a large
    selection is still being read in the background, its progress, polled until the draft is ready."""
    job = services.bulk_delete_job_get(
        owner=request.user, admin=admin, job_id=job_id, connection=request.connection
    )
    list_url = _list_url(admin, job.params.get("query") or "")

    def context(partial: bool) -> dict:
        context = {
            "admin": admin,
            "opts": admin,
            "connection": job.connection,
            "job": job,
            "summary": services.bulk_delete_summary(job=job),
            "list_url": list_url,
            "reading": selection_reading(job=job) if job.status != JobStatus.DRAFT else None,
        }
        if partial:
            # Swapped in below the page's own heading (the job's title): it becomes a second-level one.
            context["heading_tag"] = "h2"
        return context

    page = DraftPage(
        templates=admin.template_names("bulk_confirm"),
        fragment="confirm-body",
        context=context,
        discarded_url=list_url,
        discarded_message=_("Nothing was deleted."),
        started_message=_("The documents are being deleted in the background. You can leave this page."),
    )
    return draft_page(request, job, page)
