"""The address of the person signing in, also behind the TLS proxy of the deployment.

``X-Forwarded-For`` is read only when ``TRUSTED_PROXY_COUNT`` says how many proxies in front of the
portal append to it: each appends the address it received the request from, so with N trusted
proxies the client is the N-th address from the right. Anything further left was written by the
client itself and is not believed. Without trusted proxies, the socket's address (``REMOTE_ADDR``).
"""

import ipaddress

from django.conf import settings


def client_ip_address(request) -> str | None:
    """The client's address (sign-in throttling keys on it together with the user name)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not through every trusted proxy: the socket's address is the best there is
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
