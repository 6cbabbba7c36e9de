"""PDF downloads through the portal: the connection's token stays on the server."""

import logging
import math
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import is_partial, render_polled
from quipu_portal.files.filenames import content_disposition
from quipu_portal.files.services import generated_file_path
from quipu_portal.files.views import generated_file_response
from quipu_portal.jobs.flow import draft_create_once
from quipu_portal.jobs.models import UNCONFIRMED_STATUSES, JobStatus
from quipu_portal.jobs.services import (
    job_can_retry,
    job_cancel,
    job_estimate_seconds,
    job_prepare_again,
    job_progress,
    job_retry_failed,
)
from quipu_portal.pdfs import services
from quipu_portal.pdfs.actions import DOWNLOAD_PDFS
from quipu_portal.pdfs.archive import NotAPdfError
from quipu_portal.pdfs.documents import PDF_RESOURCES
from quipu_portal.pdfs.forms import BundleStartForm
from quipu_portal.quipu.errors import (
    QuipuAuthError,
    QuipuError,
    QuipuForbiddenError,
    QuipuNotFoundError,
    QuipuRateLimitedError,
)
from quipu_portal.resource_admin import services as resource_services
from quipu_portal.resource_admin.access import DOCUMENT_NAMESPACES
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import SelectionError, selection_from_query, selection_reading

logger = logging.getLogger(__name__)


def _back_url(request, resource: str, document_id: str, *, found: bool) -> str:
    """Where the user came from (a list or the detail page), else the document or its list."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    namespace = DOCUMENT_NAMESPACES.get(resource, resource)
    try:
        if found:
            return connection_reverse(f"{namespace}:detail", args=[document_id])
        return connection_reverse(f"{namespace}:list")
    except NoReverseMatch:
        return reverse("core:home")


def download_problem(error: Exception) -> str:
    """What to tell the user when a PDF could not be downloaded."""
    if isinstance(error, QuipuNotFoundError):
        return _("Quipu has no PDF for this document. It may have been deleted.")
    if isinstance(error, QuipuRateLimitedError):
        seconds = max(1, math.ceil(error.retry_after or 1))
        return ngettext(
            "Quipu's rate limit is full right now. Try the download again in %(seconds)d second.",
            "Quipu's rate limit is full right now. Try the download again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    if isinstance(error, QuipuForbiddenError | QuipuAuthError):
        return _("Quipu did not allow the download: %(reason)s") % {"reason": error.message}
    if isinstance(error, NotAPdfError):
        return _("Quipu sent something that is not a PDF. Try again later.")
    if isinstance(error, QuipuError):
        return _("The PDF could not be downloaded: %(reason)s") % {"reason": error.message}
    return _("The PDF could not be downloaded.")


@connection_required
@require_GET
def pdf_download(request, resource, pk):
    """Stream one document's PDF from Quipu to the browser, with a readable file name."""
    if resource not in PDF_RESOURCES:
        raise Http404
    client = client_for(request.connection)
    try:
        document = services.pdf_document_get(client=client, resource=resource, document_id=pk)
        stream = services.pdf_stream_open(client=client, document=document)
    except QuipuNotFoundError as error:
        # Not this account's document (or deleted): a page saying so, with the 404 every id-taking URL gives.
        context = {
            "message": download_problem(error),
            "back_url": _back_url(request, resource, pk, found=False),
        }
        return render(request, "pdfs/download_problem.html", context, status=404)
    except (QuipuError, NotAPdfError) as error:
        logger.info("PDF of %s %s not downloaded: %r", resource, pk, error)
        messages.error(request, download_problem(error))
        return redirect(_back_url(request, resource, pk, found=True))
    response = StreamingHttpResponse(stream.chunks, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        ascii_name=document.filename, original_name=document.original_filename
    )
    if stream.length is not None:
        response["Content-Length"] = str(stream.length)
    response["Cache-Control"] = "private, no-store"
    return response


# Bundles -----------------------------------------------------------------------------------------------


@connection_required
@quipu_boundary
@require_POST
def bundle_start(request, namespace):
    """From a list's bulk bar: confirm the selection and the format, then start the ``pdf_bundle`` job.
    A large selection is read by the job itself: the bundle's page shows the reading, then the fetching."""
    admin = REGISTRY.get(namespace)
    if admin is None or DOWNLOAD_PDFS not in admin.bulk_buttons:
        raise Http404
    form = BundleStartForm(request.POST)
    form.is_valid()  # every field is optional; cleaned_data holds what parsed
    query = form.cleaned_data.get("query") or ""
    list_url = connection_reverse(f"{namespace}:list") + (f"?{query}" if query else "")
    ids = None if form.cleaned_data.get("select_across") else form.cleaned_data.get("ids") or []
    if ids == []:
        messages.warning(request, _("Tick at least one document first."))
        return redirect(list_url)
    client = client_for(request.connection)
    try:
        selection = selection_from_query(admin=admin, query=query, ids=ids)
        if request.POST.get("confirm") != "yes" or "format" in form.errors:
            return _bundle_confirm(request, client=client, form=form, selection=selection, list_url=list_url)
        drafted = draft_create_once(
            request,
            create=partial(
                services.bundle_start, client=client, selection=selection, format=form.cleaned_data["format"]
            ),
            url_for=lambda bundle: connection_reverse("pdfs:bundle", args=[bundle.pk]),
        )
    except SelectionError as error:
        messages.error(request, str(error))
        return redirect(list_url)
    bundle = drafted.created
    if bundle is None:  # a double click: the bundle the first click started
        return redirect(drafted.url)
    without_pdf = services.bundle_without_pdf(bundle=bundle)
    if without_pdf and bundle.job.status not in UNCONFIRMED_STATUSES:
        messages.info(
            request,
            ngettext(
                "%(count)d selected document has no PDF in Quipu (an expense) and was left out.",
                "%(count)d selected documents have no PDF in Quipu (expenses) and were left out.",
                without_pdf,
            )
            % {"count": without_pdf},
        )
    return redirect(drafted.url)


def _bundle_confirm(request, *, client, form, selection, list_url):
    if selection.ids is None:
        count = resource_services.document_list(
            client=client, admin=selection.admin, filters=selection.filters, sort=[], page=1, page_size=1
        ).total_results
    else:
        count = len(selection.ids)
    context = {
        "admin": selection.admin,
        "form": form,
        "ids": selection.ids or [],
        "select_across": selection.ids is None,
        "query": form.cleaned_data.get("query") or "",
        "count": count,
        # An unknown format comes back with its error; otherwise the choice starts at ZIP.
        "format_field": form["format"] if "format" in form.errors else BundleStartForm()["format"],
        "minutes": max(1, math.ceil(job_estimate_seconds(requests=count) / 60)),
        "list_url": list_url,
    }
    return render(request, "pdfs/bundle_confirm.html", context)


@require_GET
def bundle_list_view(request):
    context = {
        "bundles": services.bundle_list(owner=request.user)[:50],
        "retention_days": settings.QUIPU_FILE_RETENTION_DAYS,
    }
    return render(request, "pdfs/bundle_list.html", context)


@require_GET
def bundle_detail(request, pk):
    """The job's progress while it runs (the status region polls itself), then the download link."""
    bundle = services.bundle_get(owner=request.user, bundle_id=pk, connection=request.connection)
    job = bundle.job
    reading_documents = bool(job) and job.status in UNCONFIRMED_STATUSES
    context = {
        "bundle": bundle,
        "job": job,
        "reading": selection_reading(job=job) if reading_documents else None,
        "without_pdf": services.bundle_without_pdf(bundle=bundle),
        "progress": job_progress(job=job) if job else None,
        "can_resume": bool(job) and job_can_retry(job),
        "failures": services.bundle_failures(bundle=bundle),
        "file_ready": generated_file_path(generated=bundle) is not None,
    }
    if is_partial(request):
        keep_polling = bool(job) and (job.is_active or job.status == JobStatus.PREPARING)
        return render_polled(
            request, "pdfs/bundle_detail.html#bundle-status", context, keep_polling=keep_polling
        )
    return render(request, "pdfs/bundle_detail.html", context)


@require_POST
def bundle_cancel(request, pk):
    bundle = services.bundle_get(owner=request.user, bundle_id=pk, connection=request.connection)
    if bundle.job and bundle.job.status in UNCONFIRMED_STATUSES:
        services.bundle_discard(bundle=bundle)
        messages.info(request, _("The download was cancelled before any PDF was fetched."))
        return redirect(connection_reverse("pdfs:bundles"))
    if bundle.job:
        job_cancel(job=bundle.job)
        messages.info(request, _("The download stops after the PDF being fetched now."))
    return redirect(connection_reverse("pdfs:bundle", args=[bundle.pk]))


@require_POST
def bundle_resume(request, pk):
    """Carry on after a cancel, and try the PDFs that failed again; PDFs already fetched are kept."""
    bundle = services.bundle_get(owner=request.user, bundle_id=pk, connection=request.connection)
    if bundle.job and bundle.job.status == JobStatus.PREPARATION_FAILED:
        job_prepare_again(job=bundle.job)
    elif bundle.job:
        job_retry_failed(job=bundle.job)
    return redirect(connection_reverse("pdfs:bundle", args=[bundle.pk]))


@require_GET
def bundle_file(request, pk):
    """The finished ZIP or PDF, only for its owner (anyone else gets 404)."""
    bundle = services.bundle_get(owner=request.user, bundle_id=pk, connection=request.connection)
    return generated_file_response(
        request,
        bundle,
        disposition=content_disposition(ascii_name=bundle.file_name),
        detail_url=connection_reverse("pdfs:bundle", args=[bundle.pk]),
        expired_message=_("This file has expired and was deleted. Start the download again."),
    )
