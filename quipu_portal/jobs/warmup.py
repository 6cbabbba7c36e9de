"""Fetch a connection's reference data (and contact names) in the background.

A cold connection needs more Quipu requests than one page view may spend at the real rate limit; the
list page shows what is cached and asks for this warm-up, and so do adding and choosing a connection.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from quipu_portal.connections.crypto import ConnectionSecretError
from quipu_portal.connections.models import Connection
from quipu_portal.connections.services import client_for
from quipu_portal.jobs.queue import enqueue_reference_warm_up
from quipu_portal.quipu.client import Priority
from quipu_portal.quipu.errors import QuipuError
from quipu_portal.quipu.refdata import reference_data

logger = logging.getLogger(__name__)

# At most one warm-up per connection in this many seconds, however many pages ask for it.
WARM_UP_EVERY_SECONDS = 180


# What else a warm-up fills (e.g. the contact names a list shows), registered by the apps that read it.
WARMERS: list[Callable[..., object]] = []


def register_warmer(warm: Callable[..., object]) -> None:
    """``warm(client=..., connection=...)`` runs in every warm-up, after the reference data."""
    if warm not in WARMERS:
        WARMERS.append(warm)


def _flag_key(connection_id: int) -> str:
    return f"jobs:reference_warm_up:{connection_id}"


def reference_warm_later(*, connection: Connection) -> bool:
    """Enqueue a warm-up once the current transaction commits; False when one was asked for recently."""
    if not cache.add(_flag_key(connection.pk), True, WARM_UP_EVERY_SECONDS):
        return False
    connection_id = connection.pk
    transaction.on_commit(lambda: enqueue_reference_warm_up(connection_id))
    return True


def reference_warm_up(*, connection_id: int) -> str:
    """What the task runs: fill the caches a document list reads, at background priority."""
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return "gone"
    try:
        client = client_for(connection, priority=Priority.BACKGROUND)
    except ConnectionSecretError:
        return "no secret"
    with client:
        try:
            reference_data(client)
            for warm in WARMERS:
                warm(client=client, connection=connection)
        except QuipuError as error:
            # Not worth a retry (django-q would redeliver a failed task): the next page asks again.
            logger.warning("Connection %s: warming reference data failed: %s", connection_id, error)
            return "failed"
    return "warm"
