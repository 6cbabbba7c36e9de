"""Serving a generated file to its owner (the calling view has fetched it through its owner)."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from quipu_portal.files.models import GeneratedFile
from quipu_portal.files.services import generated_file_path


def generated_file_response(
    request, generated: GeneratedFile, *, disposition: str, detail_url: str, expired_message: str
):
    """The finished file, or back to its page saying it expired or is not ready yet."""
    path = generated_file_path(generated=generated)
    if path is None:
        if generated.deleted_at:
            messages.warning(request, expired_message)
        else:
            messages.info(request, _("The file is not ready yet."))
        return redirect(detail_url)
    response = FileResponse(path.open("rb"), content_type=generated.content_types[path.suffix])
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response
