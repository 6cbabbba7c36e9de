"""The clients of one process send through one pool of kept-alive connections, as they would to Quipu
(which keeps connections open): a page view after another does not open a new connection."""

import os
from urllib.parse import urlsplit

from quipu_portal.quipu import client as client_module
from quipu_portal.quipu.client import QuipuClient

from .conftest import QUICK_RETRIES


def _pools(base_url: str) -> list:
    """The process pool's connection pools for the sandbox's address."""
    address = urlsplit(base_url)
    pools = client_module._process_adapter().poolmanager.pools
    return [
        # urllib3's container refuses plain iteration (not thread-safe); keys() takes a copy.
        pools[key]
        for key in pools.keys()  # noqa: SIM118
        if (key.key_host, key.key_port) == (address.hostname, address.port)
    ]


def _opened(base_url: str) -> int:
    return sum(pool.num_connections for pool in _pools(base_url))


def test_clients_one_after_the_other_reuse_one_connection(credentials):
    with QuipuClient(credentials, retry_policy=QUICK_RETRIES) as first:
        first.list("contacts")  # the token and the page
    opened = _opened(credentials.base_url)
    assert opened >= 1
    for _ in range(3):
        with QuipuClient(credentials, retry_policy=QUICK_RETRIES) as quipu:
            quipu.list("contacts")
            quipu.retrieve("contacts", quipu.list("contacts").records[0].id)
    assert _opened(credentials.base_url) == opened


def test_a_forked_process_opens_its_own_connections(credentials, monkeypatch):
    shared = client_module._process_adapter()
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert client_module._process_adapter() is not shared


def test_closing_a_client_leaves_the_pool_open(credentials):
    with QuipuClient(credentials, retry_policy=QUICK_RETRIES) as quipu:
        quipu.list("contacts")
    kept = [connection for pool in _pools(credentials.base_url) for connection in list(pool.pool.queue)]
    assert any(connection is not None and connection.sock is not None for connection in kept)
