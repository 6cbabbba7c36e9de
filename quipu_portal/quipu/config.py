"""Credentials and settings a Quipu client is built from."""

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .errors import QuipuAuthError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")


def base_url_allowed(url: str) -> bool:
    """Whether ``url`` is one of ``QUIPU_ALLOWED_BASE_URLS``: same scheme and host, the same port when
    the entry names one (any port otherwise), and a path under the entry's."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return False
    for entry in settings.QUIPU_ALLOWED_BASE_URLS:
        allowed = urlsplit(entry.strip())
        if (parts.scheme, parts.hostname) != (allowed.scheme, allowed.hostname) or not parts.hostname:
            continue
        if allowed.port is not None and port != allowed.port:
            continue
        default_port = {"https": 443, "http": 80}.get(parts.scheme)
        if (
            allowed.port is None
            and port not in (None, default_port)
            and allowed.hostname not in LOOPBACK_HOSTS
        ):
            continue  # a public host only on its default port, unless the entry names another
        prefix = allowed.path.rstrip("/")
        path = parts.path.rstrip("/")
        if path == prefix or path.startswith(prefix + "/"):
            return True
    return False


@dataclass(frozen=True)
class QuipuCredentials:
    """One Quipu credential pair and the API it belongs to. The secret never appears in repr."""

    base_url: str
    app_id: str
    app_secret: str = field(repr=False)

    def __post_init__(self):
        object.__setattr__(self, "base_url", self.base_url.strip().rstrip("/"))
        object.__setattr__(self, "app_id", self.app_id.strip())

    @property
    def key(self) -> str:
        """A stable name for this credential pair in shared stores, derived without the secret."""
        return hashlib.sha256(f"{self.base_url}\n{self.app_id}".encode()).hexdigest()[:40]

    @property
    def is_loopback(self) -> bool:
        return (urlsplit(self.base_url).hostname or "") in LOOPBACK_HOSTS

    def check_allowed(self) -> None:
        """Only the Quipu addresses the settings allow: the server never calls a host a user typed in."""
        if not base_url_allowed(self.base_url):
            raise QuipuAuthError(
                f"Base URL not allowed: {self.base_url}",
                message=_("This connection's API address is not allowed here. Edit the connection."),
            )

    def check_transport(self) -> None:
        """Only https, except plain http to a loopback sandbox where the settings allow it."""
        scheme = urlsplit(self.base_url).scheme
        if scheme == "https":
            return
        if scheme == "http" and self.is_loopback and settings.QUIPU_ALLOW_INSECURE_LOOPBACK:
            return
        raise ImproperlyConfigured(f"Quipu base URL must use https: {self.base_url}")


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` requests in any ``window`` seconds for one credential pair."""

    limit: int
    window: float

    @property
    def interval(self) -> float:
        """The average time one request uses up: one "rate slot"."""
        return self.window / self.limit

    @classmethod
    def parse(cls, text: str) -> "RateLimit":
        """``"5/5s"`` -> ``RateLimit(5, 5.0)``."""
        match = _RATE.match(text or "")
        if not match:
            raise ImproperlyConfigured(f"QUIPU_RATE_LIMIT must look like 5/5s, not {text!r}")
        limit, window = int(match.group(1)), float(match.group(2))
        if limit < 1 or window <= 0:
            raise ImproperlyConfigured(f"QUIPU_RATE_LIMIT must be positive, not {text!r}")
        return cls(limit, window)

    @classmethod
    def from_settings(cls) -> "RateLimit":
        return cls.parse(settings.QUIPU_RATE_LIMIT)


@dataclass(frozen=True)
class ClientSettings:
    """The QUIPU_* settings, read once when a client is built."""

    rate_limit: RateLimit
    timeout: float
    page_wait_limit: float
    redis_url: str

    @classmethod
    def from_settings(cls, rate_limit: RateLimit | None = None) -> "ClientSettings":
        return cls(
            rate_limit=rate_limit or RateLimit.from_settings(),
            timeout=float(settings.QUIPU_TIMEOUT_SECONDS),
            page_wait_limit=float(settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS),
            redis_url=getattr(settings, "REDIS_URL", "") or "",
        )
