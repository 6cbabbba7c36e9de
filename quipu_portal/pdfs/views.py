"""PDF downloads through the portal: the connection's token stays on the server."""

import logging
import math

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.services import client_for
from quipu_portal.pdfs import services
from quipu_portal.pdfs.archive import NotAPdfError
from quipu_portal.pdfs.documents import PDF_RESOURCES
from quipu_portal.pdfs.filenames import content_disposition
from quipu_portal.quipu.errors import (
    QuipuAuthError,
    QuipuError,
    QuipuForbiddenError,
    QuipuNotFoundError,
    QuipuRateLimitedError,
)
from quipu_portal.resource_admin.access import DOCUMENT_NAMESPACES

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
            return reverse(f"{namespace}:detail", args=[document_id])
        return reverse(f"{namespace}:list")
    except NoReverseMatch:
        return reverse("core:home")


def download_problem(error: Exception) -> str:
    """What to tell the user when a PDF could not be downloaded."""
    if isinstance(error, QuipuNotFoundError):
        return _("Quipu has no PDF for this document. It may have been deleted.")
    if isinstance(error, QuipuRateLimitedError):
        seconds = max(1, math.ceil(error.retry_after or 1))
        return _("Quipu's rate limit is full right now. Try the download again in %(seconds)d seconds.") % {
            "seconds": seconds
        }
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
    except (QuipuError, NotAPdfError) as error:
        logger.info("PDF of %s %s not downloaded: %r", resource, pk, error)
        messages.error(request, download_problem(error))
        return redirect(_back_url(request, resource, pk, found=not isinstance(error, QuipuNotFoundError)))
    response = StreamingHttpResponse(stream.chunks, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        ascii_name=document.filename, original_name=document.original_filename
    )
    if stream.length is not None:
        response["Content-Length"] = str(stream.length)
    response["Cache-Control"] = "private, no-store"
    return response
