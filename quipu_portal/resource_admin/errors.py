"""The one boundary where Quipu's errors become pages: never a 500, never a blank swap."""

import logging
import math
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import reswap, trigger_client_event

from quipu_portal.core.htmx import is_partial
from quipu_portal.quipu.errors import (
    QuipuAuthError,
    QuipuError,
    QuipuForbiddenError,
    QuipuMalformedResponseError,
    QuipuNotFoundError,
    QuipuRateLimitedError,
    QuipuServerError,
    QuipuTooLargeError,
    QuipuUnavailableError,
    QuipuValidationError,
)

logger = logging.getLogger(__name__)

RETRY_UNAVAILABLE_SECONDS = 10


def _problem(request, *, title, message, status, retry_seconds=None):
    """The problem page (full page) or fragment (htmx swap, always 200 so htmx swaps it in)."""
    context = {
        "title": title,
        "message": message,
        "retry_seconds": retry_seconds,
        "retry_url": request.get_full_path() if request.method == "GET" else None,
        "target_id": (request.htmx.target if request.htmx else None) or "problem",
        "full_page": not is_partial(request),
    }
    if request.htmx and request.method != "GET":
        # A form was being sent: keep it on screen exactly as typed, and say what happened.
        response = HttpResponse(status=200)
        reswap(response, "none")
        return trigger_client_event(response, "quipuProblem", {"message": f"{title}. {message}"})
    if not context["full_page"]:
        return render(request, "resource_admin/problem.html#problem", context, status=200)
    response = render(request, "resource_admin/problem.html", context, status=status)
    if retry_seconds:
        response["Retry-After"] = str(retry_seconds)
    return response


def rate_limited_message(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    return ngettext(
        "Waiting for Quipu's rate limit: trying again in %(seconds)d second.",
        "Waiting for Quipu's rate limit: trying again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def quipu_boundary(view):
    """Not found -> 404; forbidden, rate limit, outage, bad credentials, a refusal (400/409/422/413) or a
    status Quipu does not document -> a page (or htmx fragment) saying so. Other exceptions propagate."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = _translated(view, request, *args, **kwargs)
        # The same URL answers a fragment to htmx and a page to the browser: keep caches (and Back) apart.
        patch_vary_headers(response, ("HX-Request",))
        return response

    return wrapper


def _translated(view, request, *args, **kwargs):
    """Run the view; turn Quipu's errors into pages."""
    try:
        return view(request, *args, **kwargs)
    except QuipuNotFoundError as error:
        raise Http404(str(error.message)) from None
    except QuipuForbiddenError as error:
        return _problem(
            request,
            title=_("Quipu refused"),
            message=_("Quipu does not allow this: %(reason)s")
            % {"reason": error.reason or _("no reason given")},
            status=403,
        )
    except QuipuRateLimitedError as error:
        seconds = max(1, math.ceil(error.retry_after or 1))
        return _problem(
            request,
            title=_("Quipu is busy"),
            message=rate_limited_message(seconds),
            status=503,
            retry_seconds=seconds,
        )
    except (QuipuUnavailableError, QuipuServerError, QuipuMalformedResponseError) as error:
        logger.warning("Quipu unavailable for %s: %s", request.path, error.detail)
        return _problem(
            request,
            title=_("Quipu is not answering"),
            message=_("%(reason)s The page will try again in %(seconds)d seconds.")
            % {"reason": error.message, "seconds": RETRY_UNAVAILABLE_SECONDS},
            status=503,
            retry_seconds=RETRY_UNAVAILABLE_SECONDS,
        )
    except QuipuAuthError as error:
        return _problem(request, title=_("Connection refused"), message=str(error.message), status=403)
    except QuipuValidationError as error:
        # A view that can place Quipu's objections on a form does so itself; these reached no form.
        logger.info("Quipu refused %s %s: %s", request.method, request.path, error.detail)
        return _problem(
            request,
            title=_("Quipu did not accept the request"),
            message=refusal_message(error),
            status=error.status if error.status in (400, 409, 422) else 400,
        )
    except QuipuTooLargeError as error:
        return _problem(
            request, title=_("Quipu did not accept the request"), message=str(error.message), status=413
        )
    except QuipuError as error:  # a status Quipu is not documented to send: say so, never a 500
        logger.warning(
            "Unexpected answer from Quipu for %s: HTTP %s %s", request.path, error.status, error.detail
        )
        return _problem(
            request,
            title=_("Quipu is not answering"),
            message=_(
                "Quipu gave an answer this portal does not expect. The page will try again in %(seconds)d seconds."
            )
            % {"seconds": RETRY_UNAVAILABLE_SECONDS},
            status=503,
            retry_seconds=RETRY_UNAVAILABLE_SECONDS,
        )


def refusal_reason(error: QuipuValidationError) -> str:
    """What Quipu objected to, in its words, else a plain reason for its status."""
    details = [field_error.detail for field_error in error.field_errors if field_error.detail]
    if details:
        return "; ".join(details)
    if error.status == 409:
        return _("the record changed in Quipu in the meantime")
    return _("the request was not valid for Quipu")


def refusal_message(error: QuipuValidationError) -> str:
    return _("Quipu refused it: %(reason)s.") % {"reason": refusal_reason(error)}
