"""The delete page, for documents and reference data alike: the declaration says how a record is read,
named and deleted, and why Quipu may refuse."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import redirect_to
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuValidationError
from quipu_portal.resource_admin.errors import quipu_boundary, refusal_reason
from quipu_portal.resource_admin.pages import base_context, templates


@connection_required
@quipu_boundary
def resource_delete(request, pk, *, admin):
    if not admin.can_delete:
        raise Http404
    client = client_for(request.connection)
    record = admin.record_get(client=client, record_id=pk)
    label = admin.record_label(record)
    refusal = None
    if request.method == "POST":
        try:
            admin.record_delete(
                client=client, record=record, user=request.user, connection=request.connection
            )
        except QuipuForbiddenError as error:
            refusal = error.reason or str(error.message)
        except QuipuValidationError as error:  # 409 (changed meanwhile) or 422 (Quipu keeps it)
            refusal = refusal_reason(error)
        else:
            messages.success(request, admin.deleted_message % {"name": label})
            return redirect_to(request, connection_reverse(f"{admin.namespace}:list"))
    context = {
        **base_context(request, admin),
        "record": record,
        "label": label,
        "refusal": refusal,
        "refusal_explanation": admin.refusal_explanation(record) if refusal else "",
        **admin.delete_details(record),
    }
    return render(request, templates(admin, "delete"), context)
