"""Change categories: the form (posted from a document list), the preview, the confirmation."""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quipu_portal.bulk_categories import services
from quipu_portal.bulk_categories.forms import BulkCategoriesForm, SelectionForm
from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.jobs.flow import DraftPage, draft_create_once, draft_page
from quipu_portal.jobs.models import JobStatus
from quipu_portal.jobs.services import job_estimate_seconds
from quipu_portal.quipu.errors import QuipuError
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.selection import SelectionError, selection_reading
from quipu_portal.resource_admin.views import options_html


def _list_url(namespace: str, query: str) -> str:
    try:
        url = connection_reverse(f"{namespace}:list")
    except NoReverseMatch:  # an unknown namespace sends the user home
        url = reverse("core:home")
    return f"{url}?{query}" if query else url


def _list_kind(query: str) -> str | None:
    kind = QueryDict(query or "").get("kind")
    return kind if kind in ("income", "expenses") else None


@connection_required
@quipu_boundary
@require_POST
def bulk_categories(request, namespace: str | None = None):
    """Posted by a list's "Change categories" button (selection only), then by this form itself."""
    data = request.POST
    if namespace:
        data = data.copy()
        data["namespace"] = namespace
    selection = SelectionForm(data)
    if not selection.is_valid() or services.document_list_admin(selection.cleaned_data["namespace"]) is None:
        namespace = request.POST.get("namespace", "")
        messages.warning(
            request, _("Tick at least one document, or select all documents matching the filter.")
        )
        return redirect(_list_url(namespace, request.POST.get("query", "")))
    namespace, query = selection.cleaned_data["namespace"], selection.cleaned_data["query"]
    client = client_for(request.connection)
    refdata = reference_data(client)
    kind = _list_kind(query)
    submitted = "scope" in data
    form = BulkCategoriesForm(
        data if submitted else None, refdata=refdata, kind=kind, initial=selection.cleaned_data
    )
    if submitted and form.is_valid():
        change = form.change()
        try:
            drafted = draft_create_once(
                request,
                create=partial(
                    services.bulk_categories_preview,
                    client=client,
                    selection=services.bulk_categories_selection(
                        namespace=namespace, query=query, ids=form.selected_ids()
                    ),
                    change=change,
                    title=_("Change categories: %(change)s")
                    % {"change": services.change_summary(change, refdata)},
                ),
                url_for=lambda job: connection_reverse("jobs:bulk_categories_preview", args=[job.pk]),
            )
        except SelectionError as error:
            form.add_error(None, str(error))
        else:
            return redirect(drafted.url)
    admin = services.document_list_admin(namespace)
    context = {
        "form": form,
        "admin": admin,
        "list_url": _list_url(namespace, query),
        "selected_count": None
        if selection.cleaned_data["select_all"]
        else len(selection.cleaned_data["ids"]),
        "connection": request.connection,
    }
    return render(request, "jobs/bulk_categories_form.html", context)


@connection_required
@quipu_boundary
@require_GET
def bulk_categories_subcategories(request):
    """The subcategory <option>s of the chosen category: the form only offers valid pairs."""
    client = client_for(request.connection)
    form = BulkCategoriesForm(None, refdata=reference_data(client))
    return HttpResponse(options_html(form.subcategory_choices(request.GET.get("category") or None)))


@require_http_methods(["GET", "POST"])
def bulk_categories_preview(request, pk):
    """The preview and its confirmation; while a large selection is still being read in the background,
    its progress, which polls until the preview is ready (or reading failed)."""
    job = services.bulk_categories_draft_get(owner=request.user, job_id=pk, connection=request.connection)
    page = DraftPage(
        templates=["jobs/bulk_categories_preview.html"],
        fragment="preview-body",
        context=lambda partial: (
            _preview_context(job)
            if job.status == JobStatus.DRAFT
            else {"job": job, "reading": selection_reading(job=job)}
        ),
        discarded_url=connection_reverse("jobs:list"),
        discarded_message=_("Nothing was changed."),
        started_message=_("The change is running in the background. You can leave this page."),
    )
    return draft_page(request, job, page)


def _preview_context(job) -> dict:
    summary = services.bulk_categories_preview_summary(job=job)
    with client_for(job.connection) as client:
        refdata = _cached_refdata(client)
    return {
        "job": job,
        "summary": summary,
        "sample": [_sample_row(item, refdata) for item in summary.sample],
        "estimate_seconds": job_estimate_seconds(requests=summary.requests),
    }


def _cached_refdata(client):
    try:
        return reference_data(client)
    except QuipuError:  # names are a nicety on this page; ids are shown without them
        return None


def _sample_row(item, refdata) -> dict:
    def describe(state: dict) -> str:
        parts = [
            services.category_label(
                refdata, state.get("accounting_category"), state.get("accounting_subcategory")
            )
        ]
        analytic = state.get("analytic_categories") or []
        if analytic:
            parts.append(", ".join(services.analytic_label(refdata, a) for a in analytic))
        lines = state.get("items") or []
        if lines:
            line_categories = {
                services.category_label(
                    refdata, line.get("accounting_category"), line.get("accounting_subcategory")
                )
                for line in lines
            }
            parts.append(_("lines: %(categories)s") % {"categories": "; ".join(sorted(line_categories))})
        return " · ".join(parts)

    return {"item": item, "before": describe(item.before), "after": describe(item.after)}
