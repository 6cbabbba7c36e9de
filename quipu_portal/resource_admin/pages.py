"""What every generic page shares: its templates, its base context, and what a write that was not
saved says on the form."""

import math

from django.utils.translation import ngettext

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.errors import QuipuRateLimitedError, QuipuServerError, QuipuUnavailableError


def templates(admin, page: str, fragment: str | None = None) -> list[str]:
    """The page's templates (the resource's own first), or their named fragment."""
    names = admin.template_names(page)
    return [f"{name}#{fragment}" for name in names] if fragment else names


def base_context(request, admin) -> dict:
    return {"admin": admin, "connection": request.connection, "opts": admin}


def list_url(admin, query: str) -> str:
    """The list page, filtered and sorted as the user left it."""
    return connection_reverse(f"{admin.namespace}:list") + (f"?{query}" if query else "")


def detail_url(admin, record_id) -> str:
    return connection_reverse(f"{admin.namespace}:detail", args=[record_id])


# Quipu is busy or down: nothing was written, and saving again later may work.
NOT_SAVED_ERRORS = (QuipuRateLimitedError, QuipuUnavailableError, QuipuServerError)


def not_saved_error(form, error) -> None:
    """Say on the form why nothing was saved (and when to try again)."""
    if isinstance(error, QuipuRateLimitedError):
        seconds = max(1, math.ceil(error.retry_after or 1))
        message = ngettext(
            "Quipu's rate limit is full, so nothing was saved yet. Press Save again in %(seconds)d second.",
            "Quipu's rate limit is full, so nothing was saved yet. Press Save again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    else:
        message = str(error.message)
    form.add_error(None, message)
