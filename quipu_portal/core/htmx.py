"""What every view needs to answer htmx: the partial check, polled fragments, redirects and the
sentence for Quipu's rate limit.

It imports nothing from the portal but that sentence, so every app above ``quipu`` may use it (see
the layering rules in README.md)."""

from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

# Defined beside the error it describes (quipu and connections sit below core and use it too).
from quipu_portal.quipu.errors import rate_limited_message

__all__ = ["is_partial", "page_or_fragment", "rate_limited_message", "redirect_to", "render_polled"]


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
