from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from quipu_portal.connections.forms import ActiveConnectionForm, ConnectionForm
from quipu_portal.connections.scope import CONNECTION_KWARG, connection_reverse
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
from quipu_portal.core.htmx import is_partial, redirect_to


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
    if is_partial(request):
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
    return redirect(_same_page_for(connection, target))


def _same_page_for(connection, target: str) -> str:
    """The switcher's destination: the same kind of page for the chosen client. A list opens unfiltered
    (its filters name the other client's contacts and categories); a record of the other client
    cannot exist for this one, so its list opens instead. Pages of no client stay where they are."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return reverse("core:home")
    if CONNECTION_KWARG not in match.kwargs:
        return target
    if set(match.kwargs) == {CONNECTION_KWARG}:
        return connection_reverse(match.view_name, connection=connection)
    for page in ("list", "bundles"):
        try:
            return connection_reverse(f"{match.namespace}:{page}", connection=connection)
        except NoReverseMatch:
            continue
    return reverse("core:home")


def old_client_url_redirect(request, path):
    """A URL from before the client was in the address (a bookmark, a tab left open): the same page
    of the last client used. Temporary (302), because where it goes depends on that choice, which a
    browser must not cache. A form posted from such a page writes nothing: the client it was meant
    for is unknown, so it is refused with a message and the page to open again."""
    connection = active_connection_get(request)
    if connection is None:
        messages.info(request, _("Add a Quipu connection first: it tells the portal which account to open."))
        target = reverse("connections:list")
    elif request.method in ("GET", "HEAD"):
        target = f"{get_script_prefix()}c/{connection.pk}/{path}"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
    else:
        messages.error(
            request,
            _(
                "Nothing was saved: that page was opened before the portal showed the client in its "
                "address, so it could not tell which client the change was for. Open the page again "
                "and repeat the change."
            ),
        )
        target = reverse("core:home")
    response = redirect_to(request, target)
    if not request.htmx and request.method not in ("GET", "HEAD"):
        # 303 after a refused POST, so the browser follows with a GET and never re-sends the form.
        response.status_code = 303
    return response
