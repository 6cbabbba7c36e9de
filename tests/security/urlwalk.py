"""The URL conf as a list of routes, and how to fill each route's arguments with another user's data.

Every test in this folder walks ``ROUTES``: a URL added anywhere in the project is checked without
anyone remembering to add it here. A route argument nobody knows how to fill fails the suite with
a message saying where to add a filler, so a new id-taking URL cannot slip past the ownership test.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Views anyone may open without signing in (login pages; whitenoise serves static files outside
# the URL conf). Everything else must send an anonymous visitor to a login page.
PUBLIC_URL_NAMES = {"login", "admin:login"}


@dataclass(frozen=True)
class Route:
    route: str
    namespace: str | None
    name: str | None
    callback: object
    arguments: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.name is None:
            return self.route
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    @property
    def is_admin(self) -> bool:
        return (self.namespace or "").split(":")[0] == "admin"

    def url(self, values: dict) -> str:
        if self.name is not None:
            return reverse(self.label, kwargs={key: values[key] for key in self.arguments})
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), self.route)


def _walk(resolver, prefix="", namespace=None, outer_arguments=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            # An include's own arguments (the client of /c/<connection_id>/…) belong to every route in it.
            arguments = outer_arguments + tuple(entry.pattern.regex.groupindex)
            yield from _walk(entry, prefix + str(entry.pattern), inner, arguments)
        elif isinstance(entry, URLPattern):
            regex = entry.pattern.regex
            arguments = outer_arguments + tuple(regex.groupindex)
            yield Route(prefix + str(entry.pattern), namespace, entry.name, entry.callback, arguments)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def portal_routes() -> list[Route]:
    """Every route of the portal itself (Django's admin has its own staff check, tested apart)."""
    return [route for route in all_routes() if not route.is_admin]


# Fillers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owned:
    """A value that points at the owner's data: another user must get 404 for it."""

    value: object


@dataclass(frozen=True)
class Plain:
    """A value that is not anybody's data (a resource name): the same for every user."""

    value: object


def fill(route: Route, world) -> dict:
    """The route's arguments filled with the owner's data, as {name: Owned | Plain}."""
    values = {}
    for argument in route.arguments:
        filler = _filler(route, argument)
        if filler is None:
            pytest.fail(
                f"The URL {route.label!r} ({route.route}) takes {argument!r}, which no test knows how to fill. "
                f"Add a filler for it to FILLERS in tests/security/urlwalk.py (keyed '{argument}', "
                f"'{route.namespace}.{argument}' or '{route.label}.{argument}') that returns the owner's object, "
                "so the suite can check another user gets 404."
            )
        values[argument] = filler(world, route)
    return values


# Arguments that name a kind of thing (a resource, a namespace), not somebody's object. Quipu's
# accounting categories are one chart of accounts shared by every account: the same ids everywhere.
PLAIN_ARGUMENTS = {
    "namespace",
    "pdfs:download.resource",
    "accounting_categories.pk",
    "old_client_url.path",
    "tax_previews.model",
    "tax_previews.code",
}


def is_reference(route: Route, argument: str) -> bool:
    return not ({f"{route.label}.{argument}", f"{route.namespace}.{argument}", argument} & PLAIN_ARGUMENTS)


def _filler(route: Route, argument: str):
    return (
        FILLERS.get(f"{route.label}.{argument}")
        or FILLERS.get(f"{route.namespace}.{argument}")
        or FILLERS.get(argument)
    )


def names_a_portal_row(route: Route) -> bool:
    """A client's page naming one of the portal's own rows (a job, a PDF download) besides the client:
    the row must belong to the client of the URL, not only to the user."""
    return CLIENT_ARGUMENT in route.arguments and any(
        _filler(route, argument) in (_job_id, _bundle_pk) for argument in route.arguments
    )


def plain_values(filled: dict) -> dict:
    return {key: value.value for key, value in filled.items()}


def _document_pk(world, route):
    return Owned(world.document_id(route.namespace))


def _pdf_download_pk(world, route):
    return Owned(world.document_id("invoices"))


def _bundle_pk(world, route):
    return Owned(world.bundle().pk)


def _export_pk(world, route):
    return Owned(world.export().pk)


def _job_id(world, route):
    return Owned(world.job().pk)


def _attachment_id(world, route):
    return Owned(world.attachment_id(route.namespace))


# The client of a page: /c/<connection_id>/…
CLIENT_ARGUMENT = "connection_id"

FILLERS = {
    "connection_id": lambda world, route: Owned(world.owner_connection.pk),
    "pk": _document_pk,
    "attachment_id": _attachment_id,
    "job_id": _job_id,
    "pdfs.pk": _bundle_pk,
    "exports.pk": _export_pk,
    "pdfs:download.pk": _pdf_download_pk,
    "pdfs:download.resource": lambda world, route: Plain("invoices"),
    # A resource app's URL namespace, e.g. where a bulk action was started from.
    "namespace": lambda world, route: Plain("invoices"),
    "jobs.pk": _job_id,
    "tax_previews.pk": lambda world, route: Owned(world.tax_preview().pk),
    "tax_previews.model": lambda world, route: Plain("303"),
    "tax_previews.code": lambda world, route: Plain("27"),
    "accounting_categories.pk": lambda world, route: Plain(world.document_id(route.namespace)),
    # A page's address from before the client was in it: redirected to the same page of the last client used.
    "old_client_url.path": lambda world, route: Plain("invoices/"),
}
