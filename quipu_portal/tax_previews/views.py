"""Tax previews of the active client: start one, follow it, read its forms, download the record book."""

import datetime
import unicodedata
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.htmx import is_partial, page_or_fragment
from quipu_portal.files.filenames import content_disposition
from quipu_portal.resource_admin.access import DOCUMENT_NAMESPACES
from quipu_portal.tax_previews import figures, services
from quipu_portal.tax_previews.forms import TaxPreviewForm
from quipu_portal.tax_previews.record_book import record_book_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@connection_required
def preview_list(request):
    year, quarter = services.last_closed_quarter(timezone.localdate())
    form = TaxPreviewForm(initial={"year": year, "quarter": quarter})
    previews = services.tax_preview_list(owner=request.user, connection=request.connection)
    return render(request, "tax_previews/list.html", {"form": form, "previews": previews[:50]})


@require_POST
@connection_required
def preview_start(request):
    form = TaxPreviewForm(request.POST)
    if not form.is_valid():
        previews = services.tax_preview_list(owner=request.user, connection=request.connection)
        return render(request, "tax_previews/list.html", {"form": form, "previews": previews[:50]})
    preview = services.tax_preview_start(
        owner=request.user,
        connection=request.connection,
        year=form.cleaned_data["year"],
        quarter=form.cleaned_data["quarter"],
    )
    return redirect(connection_reverse("tax_previews:detail", args=[preview.pk]))


@require_POST
@connection_required
def preview_again(request, pk):
    old = services.tax_preview_get(owner=request.user, connection=request.connection, preview_id=pk)
    preview = services.tax_preview_start(
        owner=request.user, connection=request.connection, year=old.year, quarter=old.quarter
    )
    return redirect(connection_reverse("tax_previews:detail", args=[preview.pk]))


@require_GET
@connection_required
def preview_detail(request, pk):
    preview = services.tax_preview_get(owner=request.user, connection=request.connection, preview_id=pk)
    if is_partial(request) and preview.computed_at is not None:
        return HttpResponseClientRefresh()  # the polled progress gives way to the whole page
    if preview.computed_at is None:
        context = {"preview": preview, "job": preview.job, "read": _read_count(preview)}
        return render(
            request, page_or_fragment(request, "tax_previews/detail.html", "preview-progress"), context
        )
    forms = services.tax_preview_forms(preview=preview)
    book = services.tax_preview_record_book(preview=preview)
    context = {
        "preview": preview,
        "forms": forms,
        "form_303": forms["303"],
        "form_130": forms["130"],
        "form_111": forms["111"],
        "form_115": forms["115"],
        "counterparts_347": forms["347"],
        "person": forms["person"],
        "book": book,
        "rejected": book.rejected,
        "quarters": range(1, preview.quarter + 1),
    }
    return render(request, "tax_previews/detail.html", context)


def _read_count(preview) -> int:
    reading = (preview.job.params.get("preparing") if preview.job else None) or {}
    return reading.get("read", 0)


@require_GET
@connection_required
def preview_box(request, pk, model, code):
    """The documents behind one box, each one click from its page, and the lists they come from."""
    preview = services.tax_preview_get(owner=request.user, connection=request.connection, preview_id=pk)
    if preview.computed_at is None:
        raise Http404("Not computed yet")
    forms = services.tax_preview_forms(preview=preview)
    if model == "347":
        found = next((c for c in forms["347"] if (c.tax_id or c.name) == code), None)
        if found is None:
            raise Http404("No such counterpart")
        label, keys, amount = found.name, found.documents, found.total
        shares = {}
        year_to_date = True
    else:
        form = forms.get(model)
        if not isinstance(form, figures.Form):
            raise Http404("No such form")
        box = next((b for b in form.boxes if b.code == code), None)
        if box is None:
            raise Http404("No such box")
        label, keys, amount = box.label, box.documents, box.amount
        shares = box.shares
        year_to_date = model == "130"
    documents = services.tax_box_documents(preview=preview, keys=keys)
    rows = [{"document": d, "url": _document_url(d), "share": shares.get(d.key)} for d in documents]
    lists = _list_links(documents, preview=preview, year_to_date=year_to_date)
    context = {
        "preview": preview,
        "model": model,
        "code": code,
        "label": label,
        "amount": amount,
        "rows": rows,
        "lists": lists,
        "shares": bool(shares),
    }
    return render(request, "tax_previews/box.html", context)


def _document_url(document) -> str | None:
    namespace = DOCUMENT_NAMESPACES.get(document.type)
    try:
        return connection_reverse(f"{namespace}:detail", args=[document.id]) if namespace else None
    except NoReverseMatch:
        return None


def _list_links(documents, *, preview, year_to_date: bool) -> list[dict]:
    """The document lists, filtered to the period and side, where the box's documents are found."""
    first, last = figures.quarter_bounds(preview.year, preview.quarter)
    if year_to_date:
        first = datetime.date(preview.year, 1, 1)
    seen, links = set(), []
    for document in documents:
        namespace = DOCUMENT_NAMESPACES.get(document.type)
        key = (namespace, document.kind)
        if not namespace or key in seen:
            continue
        seen.add(key)
        query = {"period": "range", "date_from": first.isoformat(), "date_to": last.isoformat()}
        if document.type != "paysheets" and document.type != "additional_incomes":
            query["kind"] = document.kind
        try:
            url = f"{connection_reverse(f'{namespace}:list')}?{urlencode(query)}"
        except NoReverseMatch:
            continue
        links.append({"namespace": namespace, "kind": document.kind, "type": document.type, "url": url})
    return links


@require_GET
@connection_required
def record_book_download(request, pk):
    preview = services.tax_preview_get(owner=request.user, connection=request.connection, preview_id=pk)
    if preview.computed_at is None:
        raise Http404("Not computed yet")
    book = services.tax_preview_record_book(preview=preview)
    response = HttpResponse(record_book_xlsx(book), content_type=XLSX)
    ascii_name = unicodedata.normalize("NFKD", book.filename).encode("ascii", "ignore").decode()
    response["Content-Disposition"] = content_disposition(ascii_name=ascii_name, original_name=book.filename)
    return response
