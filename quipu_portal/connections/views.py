from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.connections.forms import ActiveConnectionForm, ConnectionForm
from quipu_portal.connections.services import (
    active_connection_get,
    active_connection_set,
    connection_create,
    connection_delete,
    connection_list,
    connection_test,
    connection_update,
    get_owned_connection,
)


@require_GET
def connection_list_view(request):
    return render(
        request,
        "connections/list.html",
        {
            "connections": connection_list(owner=request.user),
            "active_connection": active_connection_get(request),
        },
    )


@sensitive_post_parameters("app_secret")
def connection_add(request):
    form = ConnectionForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        # The first connection a user adds becomes the one the portal works on.
        is_first = active_connection_get(request) is None
        connection = connection_create(owner=request.user, **form.cleaned_data)
        if is_first:
            active_connection_set(request, connection)
        messages.success(
            request,
            _("Connection “%(name)s” added. Test it to check the credentials.") % {"name": connection},
        )
        return redirect("connections:list")
    return render(request, "connections/form.html", {"form": form, "connection": None})


@sensitive_post_parameters("app_secret")
def connection_edit(request, connection_id):
    connection = get_owned_connection(request, connection_id)
    form = ConnectionForm(request.POST or None, owner=request.user, instance=connection)
    if request.method == "POST" and form.is_valid():
        connection_update(connection=connection, **form.cleaned_data)
        messages.success(request, _("Connection “%(name)s” saved.") % {"name": connection})
        return redirect("connections:list")
    return render(request, "connections/form.html", {"form": form, "connection": connection})


def connection_delete_view(request, connection_id):
    connection = get_owned_connection(request, connection_id)
    if request.method == "POST":
        name = connection.name
        connection_delete(connection=connection)
        messages.success(request, _("Connection “%(name)s” deleted.") % {"name": name})
        return redirect("connections:list")
    return render(request, "connections/delete.html", {"connection": connection})


def connection_test_view(request, connection_id):
    connection = get_owned_connection(request, connection_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    result = connection_test(connection=connection)
    if request.htmx:
        return render(request, "connections/list.html#status", {"connection": connection})
    if result.ok:
        messages.success(request, result.message)
    else:
        messages.error(request, result.message)
    return redirect("connections:list")


@require_POST
def connection_activate(request):
    form = ActiveConnectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your connections."))
        return redirect("connections:list")
    connection = get_owned_connection(request, form.cleaned_data["connection"])
    active_connection_set(request, connection)
    messages.success(request, _("Now working on “%(name)s”.") % {"name": connection})
    target = form.cleaned_data["next"]
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("connections:list")
    return redirect(target)
