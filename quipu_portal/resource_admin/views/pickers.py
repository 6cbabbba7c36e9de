"""The search behind a picker's select: the <option>s matching what was typed."""

import logging

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.services import client_for
from quipu_portal.quipu.errors import QuipuError
from quipu_portal.resource_admin.pickers import SEARCH_PARAM, options_html

logger = logging.getLogger(__name__)


def _label_of(admin, client, connection, value: str) -> str | None:
    """The name of the current choice, from the cached full list (None when even that fails)."""
    try:
        return dict(admin.picker_search(client=client, connection=connection, term="", params={})).get(value)
    except QuipuError:
        return None


@connection_required
@require_GET
def picker_view(request, *, admin):
    """The <option>s matching what was typed, for the select of the field named in `field`."""
    client = client_for(request.connection)
    term = request.GET.get(SEARCH_PARAM, "").strip().lower()
    field = request.GET.get("field", "")
    selected = request.GET.get(field, "") if field else ""
    params = {key: value for key, value in request.GET.items() if key in ("kind", "applicable_to")}
    depends = request.GET.get("depends")
    if depends:
        params["category"] = request.GET.get(depends, "")
    blank = request.GET.get("blank", "")
    selected_label = _label_of(admin, client, request.connection, selected) if selected else None
    try:
        options = admin.picker_search(client=client, connection=request.connection, term=term, params=params)
    except QuipuError as error:
        # The answer goes inside a <select>: say it there, and keep what was chosen.
        logger.info("Picker search failed for %s: %s", request.path, error.detail)
        note = _("Quipu did not answer; type again to retry.")
        html = options_html(
            options=[], selected=selected, selected_label=selected_label, blank=blank, note=note
        )
    else:
        html = options_html(options=options, selected=selected, selected_label=selected_label, blank=blank)
    return HttpResponse(html)
