"""A page view's total time for Quipu calls.

A hung Quipu would otherwise hold a web thread through every retry of every call (5 attempts of 20 s
each). While a page view is served, the client takes its timeouts and retries from what is left of
``QUIPU_PAGE_DEADLINE_SECONDS`` and then gives up with ``QuipuUnavailableError``, which the error
boundary shows as "Quipu is not answering". Background jobs run outside any page view: no deadline.
"""

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("quipu_page_deadline", default=None)


@contextmanager
def page_deadline(seconds: float | None) -> Iterator[None]:
    """Quipu calls made inside the block share ``seconds`` (None or 0: no limit)."""
    token = _deadline.set(time.monotonic() + seconds if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def seconds_left() -> float | None:
    """What is left of the current page view's time for Quipu, or None outside a page view."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


class PageDeadlineMiddleware:
    """Every request gets the page deadline for the Quipu calls of its view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with page_deadline(float(settings.QUIPU_PAGE_DEADLINE_SECONDS)):
            return self.get_response(request)
