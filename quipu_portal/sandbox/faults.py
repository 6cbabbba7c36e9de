"""Fault injection: added latency, 429/5xx answers, dropped connections and forced token expiry
before a request is carried out; after it, a write's answer dropped or a PDF cut half way.

Every decision is drawn from one seeded random generator, so a run with the same seed and the
same sequence of requests injects the same faults. The answer faults draw from the generator only
while they are set, so runs without them meet the same faults as before they existed.
"""

import random
import threading
import time

from .config import FaultSettings
from .http import ApiError, DropConnection, Response


class FaultInjector:
    def __init__(self, settings: FaultSettings):
        self._lock = threading.Lock()
        self._global = settings
        self._per_account: dict[str, FaultSettings] = {}
        self._random = random.Random(settings.seed)
        self._account_random: dict[str, random.Random] = {}

    def configure(self, settings: FaultSettings, app_id: str | None = None) -> None:
        with self._lock:
            if app_id is None:  # accounts with faults of their own keep them
                self._global = settings
                self._random = random.Random(settings.seed)
            else:
                self._per_account[app_id] = settings
                self._account_random[app_id] = random.Random(settings.seed)

    def _settings_and_random(self, app_id: str) -> tuple[FaultSettings, random.Random]:
        if app_id in self._per_account:
            return self._per_account[app_id], self._account_random[app_id]
        return self._global, self._random

    def strikes(self, app_id: str, name: str) -> bool:
        """Whether the answer fault ``name`` (``drop_after_write``, ``cut_pdf``) hits this answer."""
        with self._lock:
            settings, rng = self._settings_and_random(app_id)
            chance = getattr(settings, name)
            return bool(chance) and rng.random() < chance

    def apply(self, app_id: str, expire_tokens, request=None) -> Response | None:
        """Sleep, drop, or answer an injected error for one admitted request; None to proceed."""
        with self._lock:
            settings, rng = self._settings_and_random(app_id)
            if not settings.active:
                return None
            rolls = [rng.random() for _ in range(6)]
        if settings.latency:
            time.sleep(settings.latency)
        if rolls[0] < settings.drop:
            raise DropConnection()
        if rolls[1] < settings.expire:
            expire_tokens()
            return Response.error(ApiError(401, "Not authorized"))
        if rolls[2] < settings.p429:
            response = Response.error(ApiError(429, "Rate limit exceeded. Maximum 5 requests per 5 seconds."))
            response.headers.append(("Retry-After", "1"))
            return response
        for roll, status, chance in ((rolls[3], 500, settings.p500), (rolls[4], 502, settings.p502)):
            if roll < chance:
                return Response.error(ApiError(status))
        if rolls[5] < settings.p503:
            response = Response.error(ApiError(503))
            response.headers.append(("Retry-After", "1"))
            return response
        if request is not None:
            return refusal(settings, request)
        return None


def refusal(settings: FaultSettings, request) -> Response | None:
    """A DELETE Quipu will not carry out, or a body larger than a proxy in front of Quipu lets through."""
    if settings.delete_status and request.method == "DELETE":
        detail = {409: "Conflict", 422: "The record cannot be deleted"}.get(settings.delete_status)
        return Response.error(ApiError(settings.delete_status, detail))
    if settings.upload_limit and request.method == "POST" and len(request.body) > settings.upload_limit:
        # What a web server answers before the application sees the request: HTML, not JSON.
        return Response(
            413,
            b"<html><body><h1>413 Request Entity Too Large</h1></body></html>",
            [("Content-Type", "text/html")],
        )
    return None
