"""A document's attachments: upload, delete, and the file itself through the portal."""

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import redirect_to
from quipu_portal.files.filenames import content_disposition, download_names
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuTooLargeError, QuipuValidationError
from quipu_portal.resource_admin import services
from quipu_portal.resource_admin.access import rel_id
from quipu_portal.resource_admin.errors import quipu_boundary, refusal_reason
from quipu_portal.resource_admin.forms import AttachmentForm

INLINE_ATTACHMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})


@connection_required
@quipu_boundary
@require_POST
def attachment_upload(request, pk, *, admin):
    client = client_for(request.connection)
    document = services.document_get(client=client, admin=admin, document_id=pk)  # 404 unless on this account
    form = AttachmentForm(request.POST, request.FILES)
    detail = connection_reverse(f"{admin.namespace}:detail", args=[pk])
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect_to(request, detail)
    try:
        services.attachment_upload(
            client=client,
            admin=admin,
            document=document,
            upload=form.cleaned_data["file"],
            user=request.user,
            connection=request.connection,
        )
    except QuipuValidationError as error:
        for field_error in error.field_errors:
            messages.error(
                request, _("Quipu did not accept the file: %(reason)s") % {"reason": field_error.detail}
            )
    except QuipuTooLargeError as error:
        messages.error(request, _("Quipu did not accept the file: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("Attachment uploaded."))
    return redirect_to(request, detail)


def _attachment_of(request, pk, attachment_id):
    """The connection's client and the attachment, if it belongs to the document (404 otherwise)."""
    client = client_for(request.connection)
    attachment = client.retrieve("attachments", attachment_id)
    if rel_id(attachment, "book_entry") not in (None, str(pk)):
        raise Http404
    return client, attachment


@connection_required
@quipu_boundary
@require_POST
def attachment_delete(request, pk, attachment_id, *, admin):
    client, attachment = _attachment_of(request, pk, attachment_id)
    document = services.document_get(client=client, admin=admin, document_id=pk)  # its number, for the log
    try:
        services.attachment_delete(
            client=client,
            admin=admin,
            document=document,
            attachment=attachment,
            user=request.user,
            connection=request.connection,
        )
    except QuipuForbiddenError as error:
        messages.error(
            request,
            _("Quipu refused to delete the attachment: %(reason)s")
            % {"reason": error.reason or error.message},
        )
    except QuipuValidationError as error:
        messages.error(
            request,
            _("Quipu refused to delete the attachment: %(reason)s") % {"reason": refusal_reason(error)},
        )
    else:
        messages.success(request, _("Attachment deleted."))
    return redirect_to(request, connection_reverse(f"{admin.namespace}:detail", args=[pk]))


@connection_required
@quipu_boundary
@require_GET
def attachment_file(request, pk, attachment_id, *, admin):
    """The attachment (or its preview) through this portal: Quipu's file URLs need the connection's token."""
    client, attachment = _attachment_of(request, pk, attachment_id)
    size = request.GET.get("size")
    url = {"thumbnail": attachment.thumbnail_url, "small": attachment.small_url}.get(size) or attachment.url
    if not url:
        raise Http404
    download = client.download(url)
    # Only what a browser shows safely opens in the page; anything else (HTML, SVG, …) is a download.
    inline = download.content_type in INLINE_ATTACHMENT_TYPES
    response = StreamingHttpResponse(
        download.iter_content(), content_type=download.content_type if inline else "application/octet-stream"
    )
    ascii_name, readable_name = download_names(attachment.filename or download.filename)
    response["Content-Disposition"] = content_disposition(
        ascii_name=ascii_name, original_name=readable_name, inline=inline
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
