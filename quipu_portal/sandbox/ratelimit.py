"""An exact sliding-log rate limit per credential pair, with the draft-polli RateLimit headers."""

import math
import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # whole seconds until a slot frees (or until the window is empty when nothing is logged)
    retry_after: int | None = None

    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("RateLimit-Limit", str(self.limit)),
            ("RateLimit-Remaining", str(self.remaining)),
            ("RateLimit-Reset", str(self.reset)),
        ]
        if self.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after)))
        return headers


class SlidingLogLimiter:
    """Admits at most ``limit`` requests in any ``window`` seconds for each key.

    Only admitted requests enter the log, so a client that keeps knocking while refused
    is let in again as soon as its oldest admitted request leaves the window.
    """

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.default_limit = limit
        self.default_window = window
        self._overrides: dict[str, tuple[int, float]] = {}
        self._logs: dict[str, deque] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def rule_for(self, key: str) -> tuple[int, float]:
        return self._overrides.get(key, (self.default_limit, self.default_window))

    def set_rule(self, limit: int, window: float, key: str | None = None) -> None:
        with self._lock:
            if key is None:  # accounts with a rule of their own keep it
                self.default_limit, self.default_window = limit, window
            else:
                self._overrides[key] = (limit, window)

    def hit(self, key: str) -> Decision:
        with self._lock:
            limit, window = self.rule_for(key)
            now = self._clock()
            log = self._logs.setdefault(key, deque())
            while log and log[0] <= now - window:
                log.popleft()
            while len(log) > limit:  # the limit was lowered at run time
                log.popleft()
            if len(log) >= limit:
                wait = _ceil(log[0] + window - now)
                return Decision(False, limit, 0, wait, retry_after=wait)
            log.append(now)
            return Decision(True, limit, limit - len(log), _ceil(log[0] + window - now))

    def peek(self, key: str) -> Decision:
        """The headers for a request that is not counted (e.g. one with an expired token)."""
        with self._lock:
            limit, window = self.rule_for(key)
            now = self._clock()
            log = [t for t in self._logs.get(key, ()) if t > now - window]
            remaining = max(0, limit - len(log))
            reset = _ceil(log[0] + window - now) if log else _ceil(window)
            return Decision(True, limit, remaining, reset)

    def idle(self) -> Decision:
        """The headers for a request without credentials: nothing is counted."""
        return Decision(True, self.default_limit, self.default_limit, _ceil(self.default_window))


def _ceil(seconds: float) -> int:
    return max(1, math.ceil(round(seconds, 6)))
