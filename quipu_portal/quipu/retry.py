"""When to send a request again, and after how long: one small function, tested on its own."""

import random
from dataclasses import dataclass

import requests
from urllib3.exceptions import NewConnectionError

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Safe to repeat: reads, and writes that carry absolute values (PATCH with the full item list, DELETE).
REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.25
    max_delay: float = 8.0


def request_never_left(error: BaseException) -> bool:
    """True when the connection was never made, so the server cannot have seen the request."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(error, requests.exceptions.ConnectionError):
        reason = error.args[0] if error.args else None
        reason = getattr(reason, "reason", reason)
        return isinstance(reason, NewConnectionError | ConnectionRefusedError)
    return False


def retry_delay(
    *,
    method: str,
    attempt: int,
    status: int | None = None,
    error: BaseException | None = None,
    policy: RetryPolicy = RetryPolicy(),
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None to give up.

    A 429 is repeated for every method (Quipu refused it before doing anything; the shared budget
    makes the wait). A POST is otherwise repeated only when it never left this machine: a timeout or
    a dropped connection may mean the invoice was created.
    """
    if attempt >= policy.max_attempts:
        return None
    method = method.upper()
    if error is not None:
        if not isinstance(error, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
            return None
        if method not in REPEATABLE_METHODS and not request_never_left(error):
            return None
    elif status in RETRY_STATUSES:
        if status != 429 and method not in REPEATABLE_METHODS:
            return None
    else:
        return None
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)  # capped exponential backoff, jittered
