"""The access token of a credential pair, shared by every process through the Django cache.

The cached token is encrypted with a key derived from the app secret: whoever reads the cache table
or Redis without the secret cannot use it, and a changed secret simply finds no usable token.
"""

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.core.cache import cache

from .config import QuipuCredentials

# Fetch a new token this long before the current one expires.
RENEW_BEFORE_SECONDS = 60.0
# How long one process may hold the fetch lock (longer than a token request can take).
LOCK_SECONDS = 45


@dataclass(frozen=True)
class AccessToken:
    access_token: str = field(repr=False)
    expires_at: float  # local clock, seconds since the epoch

    def usable(self, now: float | None = None) -> bool:
        return self.expires_at - RENEW_BEFORE_SECONDS > (time.time() if now is None else now)

    def as_oauthlib(self) -> dict:
        return {"access_token": self.access_token, "token_type": "Bearer", "expires_at": self.expires_at}


def token_lifetime(body: dict, *, now: float | None = None) -> float:
    """Seconds the token is valid. ``expires_in`` above 10^9 is an epoch (an older doc called it
    ``expires_at``); a token request may return an existing token with only part of its life left."""
    now = time.time() if now is None else now
    try:
        expires_in = float(body.get("expires_in"))
    except (TypeError, ValueError):
        return 3600.0
    if expires_in > 10**9:
        try:
            created_at = float(body.get("created_at"))
        except (TypeError, ValueError):
            created_at = now
        return max(0.0, expires_in - created_at)
    return max(0.0, expires_in)


class TokenCache:
    def __init__(self, credentials: QuipuCredentials):
        self.key = f"quipu_portal:token:{credentials.key}"
        self.lock_key = f"{self.key}:lock"
        digest = hashlib.sha256(b"quipu_portal token cache\n" + credentials.app_secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def get(self) -> AccessToken | None:
        sealed = cache.get(self.key)
        if not sealed:
            return None
        try:
            values = json.loads(self._fernet.decrypt(sealed.encode()))
            return AccessToken(access_token=values["access_token"], expires_at=float(values["expires_at"]))
        except (InvalidToken, ValueError, KeyError, TypeError, AttributeError):
            return None

    def set(self, token: AccessToken) -> None:
        sealed = self._fernet.encrypt(
            json.dumps({"access_token": token.access_token, "expires_at": token.expires_at}).encode()
        )
        cache.set(self.key, sealed.decode(), timeout=max(1, int(token.expires_at - time.time())))

    def delete(self) -> None:
        cache.delete(self.key)

    def acquire_lock(self) -> str | None:
        owner = secrets.token_hex(8)
        return owner if cache.add(self.lock_key, owner, timeout=LOCK_SECONDS) else None

    def release_lock(self, owner: str) -> None:
        if cache.get(self.lock_key) == owner:
            cache.delete(self.lock_key)

    def lock_held(self) -> bool:
        return cache.get(self.lock_key) is not None


class TokenManager:
    """Hands out a usable token: the one in memory, else the shared one, else a fresh one fetched
    by exactly one process while the others wait for it."""

    def __init__(self, credentials: QuipuCredentials, fetch):
        self._cache = TokenCache(credentials)
        self._fetch = fetch  # () -> AccessToken; the client's token request
        self._token: AccessToken | None = None
        self.fetch_count = 0

    def current(self) -> AccessToken:
        if self._token is not None and self._token.usable():
            return self._token
        shared = self._cache.get()
        if shared is not None and shared.usable():
            self._token = shared
            return shared
        return self.renew(stale=self._token)

    def renew(self, stale: AccessToken | None) -> AccessToken:
        """A token other than ``stale``: another process's newer one if there is one, else fetch."""
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            shared = self._cache.get()
            if shared is not None and shared.usable() and (stale is None or shared != stale):
                self._token = shared
                return shared
            owner = self._cache.acquire_lock()
            if owner is not None:
                try:
                    shared = self._cache.get()
                    if shared is not None and shared.usable() and (stale is None or shared != stale):
                        self._token = shared
                        return shared
                    token = self._fetch()
                    self.fetch_count += 1
                    self._cache.set(token)
                    self._token = token
                    return token
                finally:
                    self._cache.release_lock(owner)
            if time.monotonic() > deadline:  # the lock holder died: its lock expires on its own
                token = self._fetch()
                self.fetch_count += 1
                self._cache.set(token)
                self._token = token
                return token
            time.sleep(0.05)

    def forget(self) -> None:
        self._token = None
