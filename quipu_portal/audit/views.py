"""The change log: browse and filter it, export it as CSV."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quipu_portal.audit.forms import AuditFilterForm
from quipu_portal.audit.services import audit_csv_lines, audit_list
from quipu_portal.connections.services import connection_list
from quipu_portal.core.htmx import page_or_fragment


def _filtered(request):
    form = AuditFilterForm(request.GET or None, connections=connection_list(owner=request.user))
    return form, audit_list(user=request.user, filters=form.filters())


@require_GET
def audit_log(request):
    form, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, page_or_fragment(request, "audit/list.html", "results"), context)


@require_GET
def audit_export(request):
    _form, entries = _filtered(request)
    lines = audit_csv_lines(entries=entries.iterator(chunk_size=500), username=request.user.get_username())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="quipu-portal-changes-{stamp}.csv"'
    return response
