from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from quipu_portal.connections.services import active_connection_get


def connection_required(view):
    """For views that work on a Quipu account: puts the active connection on ``request.connection``.

    Without one, the user is sent to the connections page to add or choose one.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        connection = active_connection_get(request)
        if connection is None:
            messages.info(
                request, _("Add a Quipu connection first: it tells the portal which account to open.")
            )
            url = reverse("connections:list")
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
        request.connection = connection
        return view(request, *args, **kwargs)

    return wrapper
