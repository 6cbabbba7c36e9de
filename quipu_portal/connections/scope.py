"""Which client (Quipu connection) a page works on: the one in its URL, ``/c/<connection_id>/…``.

Every page of a client's documents, reference data, jobs and PDF downloads lives under that prefix, so
two tabs on two clients never mix (the session only remembers the last client used, to send old
bookmarks and the home page somewhere). ``connection_reverse`` is the one way to build such a URL:
it takes the connection given, else the one of the page being served.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.urls import NoReverseMatch, reverse

from quipu_portal.connections.models import Connection

# The URL keyword every per-client route carries.
CONNECTION_KWARG = "connection_id"

_page_connection: ContextVar[int | None] = ContextVar("quipu_page_connection", default=None)


@contextmanager
def connection_scope(connection: Connection | int) -> Iterator[None]:
    """While serving a page of this client, URLs built without an explicit connection point at it."""
    token = _page_connection.set(_connection_id(connection))
    try:
        yield
    finally:
        _page_connection.reset(token)


def connection_reverse(
    viewname: str,
    *,
    args: list | tuple = (),
    kwargs: dict | None = None,
    connection: Connection | int | None = None,
    query=None,
) -> str:
    """``reverse`` for a per-client page: ``connection`` (an object or an id), else the current page's.

    Raises NoReverseMatch when there is neither, like a URL missing an argument.
    """
    connection_id = _connection_id(connection) if connection is not None else _page_connection.get()
    if connection_id is None:
        raise NoReverseMatch(f"{viewname!r} is a page of one client: give it a connection.")
    if kwargs:
        return reverse(viewname, kwargs={CONNECTION_KWARG: connection_id, **kwargs}, query=query)
    return reverse(viewname, args=[connection_id, *args], query=query)


def _connection_id(connection: Connection | int) -> int:
    return int(connection.pk if isinstance(connection, Connection) else connection)
