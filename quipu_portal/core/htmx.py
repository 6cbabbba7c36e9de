"""What every view needs to answer htmx: the partial check, polled fragments and redirects."""

from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling


def is_partial(request) -> bool:
    """An htmx request that swaps part of the page (a boosted link wants the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted


def page_or_fragment(request, template: str, fragment: str) -> str:
    """The template's named fragment for a partial request, the whole template otherwise."""
    return f"{template}#{fragment}" if is_partial(request) else template


def render_polled(request, template: str, context: dict, *, keep_polling: bool):
    """A fragment that htmx polls; status 286 tells htmx to stop once there is nothing more to show."""
    response = render(request, template, context)
    if not keep_polling:
        response.status_code = HttpResponseStopPolling.status_code
    return response


def redirect_to(request, url: str):
    """A redirect htmx follows as a whole-page visit, or an ordinary one."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
