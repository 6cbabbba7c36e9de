from functools import wraps
from importlib import import_module

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, include

from quipu_portal.connections.scope import CONNECTION_KWARG, connection_scope
from quipu_portal.connections.services import active_connection_remember, get_owned_connection
from quipu_portal.core.htmx import is_partial


def connection_required(view):
    """For the pages of one client: puts the connection of the URL (``/c/<connection_id>/…``) on
    ``request.connection``, never the session's; another user's connection id is a 404.

    URLs built while the view runs (``connection_reverse``, ``{% connection_url %}``) stay on that
    client. The session only remembers it as the last client used, for old URLs and the home page.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        connection_id = kwargs.pop(CONNECTION_KWARG, None)
        if connection_id is None:
            # Already resolved by an outer wrapper (a resource's URL wraps its generic view).
            if getattr(request, "connection", None) is None:
                raise ImproperlyConfigured(f"{view.__qualname__} needs a URL under /c/<connection_id>/.")
            return view(request, *args, **kwargs)
        request.connection = get_owned_connection(request, connection_id)
        if not is_partial(request):
            active_connection_remember(request, request.connection)
        with connection_scope(request.connection):
            return view(request, *args, **kwargs)

    return wrapper


def connection_pages(module: str):
    """``include()`` of an app's URLs with every view behind ``connection_required``: for the
    ``/c/<connection_id>/`` prefix, so no page of a client can forget to check whose it is."""
    urlconf = import_module(module)
    patterns = []
    for pattern in urlconf.urlpatterns:
        if not isinstance(pattern, URLPattern):
            raise ImproperlyConfigured(f"{module}: only plain paths can be a client's pages.")
        patterns.append(
            URLPattern(
                pattern.pattern, connection_required(pattern.callback), pattern.default_args, pattern.name
            )
        )
    return include((patterns, urlconf.app_name))
