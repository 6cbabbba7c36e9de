"""Typed errors a view or task can act on, and the one place that maps a response to them."""

import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import headers as rate_headers


@dataclass(frozen=True)
class FieldError:
    """One validation message, placed on the attribute, relationship or item field it is about.

    ``field`` is the attribute or relationship name (``"items"`` for item errors, None for errors about
    the whole document); ``item_index``/``item_field`` say which item and which of its fields.
    """

    field: str | None
    detail: str
    item_index: int | None = None
    item_field: str | None = None
    pointer: str | None = None


class QuipuError(Exception):
    """Base of every error the client raises.

    ``status`` is the HTTP status (None when there was no response), ``detail`` what Quipu said
    (for logs and staff), ``message`` a translated sentence that is safe to show to the user.
    """

    default_message = _("Quipu answered with an error.")

    def __init__(self, detail: str = "", *, status: int | None = None, message: str | None = None):
        self.status = status
        self.detail = detail
        self.message = message or self.default_message
        super().__init__(detail or str(self.message))


class QuipuAuthError(QuipuError):
    default_message = _("Quipu did not accept the app id and secret of this connection.")


class QuipuRateLimitedError(QuipuError):
    default_message = _("Quipu's rate limit was reached; try again in a few seconds.")

    def __init__(self, retry_after: float, detail: str = "", *, status: int | None = 429, message=None):
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(
            detail or f"Rate limited; retry after {self.retry_after:.1f} s", status=status, message=message
        )


def rate_limited_message(seconds: float | None = None) -> str:
    """The one sentence that tells the user about Quipu's rate limit, with the wait when it is known
    (rounded up: trying again a second early would only meet the limit again)."""
    if not seconds:
        return str(QuipuRateLimitedError.default_message)
    seconds = max(1, math.ceil(seconds))
    return ngettext(
        "Quipu's rate limit was reached; try again in %(seconds)d second.",
        "Quipu's rate limit was reached; try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


class QuipuNotFoundError(QuipuError):
    default_message = _("Quipu has no such record. It may have been deleted.")


class QuipuForbiddenError(QuipuError):
    default_message = _("Quipu does not allow this action.")

    def __init__(self, reason: str = "", *, status: int | None = 403, message: str | None = None):
        self.reason = reason
        super().__init__(reason, status=status, message=message)


class QuipuValidationError(QuipuError):
    default_message = _("Quipu did not accept the data.")

    def __init__(self, field_errors: list[FieldError], *, status: int | None = 422, message=None):
        self.field_errors = list(field_errors)
        detail = "; ".join(
            f"{error.pointer or error.field or '-'}: {error.detail}" for error in self.field_errors
        )
        super().__init__(detail, status=status, message=message)

    def for_field(self, name: str) -> list[FieldError]:
        return [error for error in self.field_errors if error.field == name]


class QuipuTooLargeError(QuipuError):
    """413: the upload (or the request) is bigger than Quipu (or a proxy in front of it) accepts."""

    default_message = _("The file is larger than Quipu accepts.")


class QuipuServerError(QuipuError):
    default_message = _("Quipu had an internal error. Try again later.")


class QuipuUnavailableError(QuipuError):
    """No usable answer: connection refused or dropped, timeout, or a gateway error after retries.

    ``may_have_been_applied`` is True when a write was sent but no answer came back: the server may
    have applied it, so it must not be sent again blindly.
    """

    default_message = _("Quipu cannot be reached right now. Try again in a few minutes.")

    def __init__(
        self,
        detail: str = "",
        *,
        status: int | None = None,
        may_have_been_applied: bool = False,
        message: str | None = None,
    ):
        self.may_have_been_applied = may_have_been_applied
        if may_have_been_applied:
            message = _(
                "Quipu did not answer in time. The change may have been saved: check before retrying."
            )
        super().__init__(detail, status=status, message=message)


SLOW_MESSAGE = _("Quipu is answering too slowly right now.")


class QuipuMalformedResponseError(QuipuError):
    default_message = _("Quipu sent an answer this portal does not understand.")


_ITEM_POINTER = re.compile(
    r"^/data/(?:relationships/)?items(?:/data)?/(?P<index>\d+)(?:/(?:attributes|relationships))?(?:/(?P<field>[^/]+))?"
)
_FIELD_POINTER = re.compile(r"^/data/(?:attributes|relationships)/(?P<field>[^/]+)")


def field_error_from(detail: str, pointer: str | None) -> FieldError:
    """Map a JSON pointer to the attribute, relationship or item field it names."""
    if pointer:
        match = _ITEM_POINTER.match(pointer)
        if match:
            return FieldError("items", detail, int(match["index"]), match["field"], pointer)
        match = _FIELD_POINTER.match(pointer)
        if match:
            return FieldError(match["field"], detail, None, None, pointer)
    return FieldError(None, detail, None, None, pointer)


def error_details(body: Any) -> list[FieldError]:
    """The ``errors`` member of a JSON API error document (or an OAuth error body) as FieldErrors."""
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    out = []
    if isinstance(errors, list):
        for error in errors:
            if isinstance(error, dict):
                source = error.get("source") if isinstance(error.get("source"), dict) else {}
                detail = str(error.get("detail") or error.get("title") or "")
                out.append(field_error_from(detail, source.get("pointer")))
            elif isinstance(error, str):
                out.append(FieldError(None, error))
    elif isinstance(body.get("error"), str):
        out.append(FieldError(None, str(body.get("error_description") or body["error"])))
    return out


def error_for_response(status: int, body: Any, headers: dict | None = None) -> QuipuError:
    """The single status -> exception mapping. ``body`` is the decoded JSON (or None)."""
    details = error_details(body)
    detail = "; ".join(error.detail for error in details if error.detail)
    if status == 401:
        return QuipuAuthError(detail or "Not authorized", status=status)
    if status == 403:
        return QuipuForbiddenError(detail, status=status)
    if status in (404, 410):
        return QuipuNotFoundError(detail or "Record not found", status=status)
    if status == 429:
        wait = rate_headers.retry_after_seconds(headers or {})
        return QuipuRateLimitedError(wait if wait is not None else 1.0, detail, status=status)
    if status in (400, 409, 422):
        return QuipuValidationError(details or [FieldError(None, detail or "Bad request")], status=status)
    if status == 413:
        return QuipuTooLargeError(detail or "Request entity too large", status=status)
    if status in (502, 503, 504):
        return QuipuUnavailableError(detail or f"HTTP {status}", status=status)
    if status >= 500:
        return QuipuServerError(detail or f"HTTP {status}", status=status)
    return QuipuError(detail or f"HTTP {status}", status=status)
