"""Reading the rate-limit headers Quipu (and proxies in front of it) may send."""

import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

# Values above this are epochs (X-RateLimit-Reset often is), below it delta-seconds.
EPOCH_THRESHOLD = 10**9


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _delta(value: float, now: float) -> float:
    return max(0.0, value - now) if value > EPOCH_THRESHOLD else value


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), else the reset headers."""
    now = time.time() if now is None else now
    raw = headers.get("Retry-After")
    if raw:
        number = _number(raw)
        if number is not None:
            return _delta(number, now)
        try:
            return max(0.0, parsedate_to_datetime(raw).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return reset_seconds(headers, now=now)


def reset_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds until the budget resets: ``RateLimit-Reset`` (delta), ``X-RateLimit-Reset`` (often an
    epoch) or the ``reset``/``t`` parameter of a structured ``RateLimit:`` field."""
    now = time.time() if now is None else now
    for name in ("RateLimit-Reset", "X-RateLimit-Reset"):
        number = _number(headers.get(name))
        if number is not None:
            return _delta(number, now)
    structured = _structured(headers.get("RateLimit"))
    for name in ("reset", "t"):
        number = _number(structured.get(name))
        if number is not None:
            return _delta(number, now)
    return None


def remaining(headers: Mapping[str, str]) -> int | None:
    """Requests left in the window, if the server says."""
    for name in ("RateLimit-Remaining", "X-RateLimit-Remaining"):
        number = _number(headers.get(name))
        if number is not None:
            return int(number)
    structured = _structured(headers.get("RateLimit"))
    for name in ("remaining", "r"):
        number = _number(structured.get(name))
        if number is not None:
            return int(number)
    return None


def _structured(value: str | None) -> dict[str, str]:
    """``RateLimit: "default";r=0;t=3`` or ``limit=5, remaining=0, reset=3`` -> parameter dict."""
    params: dict[str, str] = {}
    for part in (value or "").replace(",", ";").split(";"):
        name, sep, raw = part.partition("=")
        if sep:
            params[name.strip().lower()] = raw.strip().strip('"')
    return params
