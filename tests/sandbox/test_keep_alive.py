"""The sandbox speaks HTTP/1.1 with keep-alive, as Quipu does: one connection serves many requests,
and it closes only when it must (a dropped answer, a body too large to skip, a client asking for it)."""

import http.client
import json
from urllib.parse import urlsplit

import requests

from .api import Api


def _connection(sandbox_server) -> http.client.HTTPConnection:
    address = urlsplit(sandbox_server.base_url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=30)


def test_one_connection_serves_reads_and_writes_one_after_the_other(sandbox_server, account):
    api = Api.for_account(sandbox_server.base_url, account)
    connection = _connection(sandbox_server)
    headers = {"Authorization": f"Bearer {api.token}", "Accept": "application/vnd.quipu.v1+json"}
    contact = api.data("/contacts")[0]
    body = json.dumps(
        {"data": {"type": "contacts", "id": contact["id"], "attributes": {"name": "Kept Alive S.L."}}}
    )
    sockets = set()
    for method, path, payload in [
        ("GET", "/contacts", None),
        ("PATCH", f"/contacts/{contact['id']}", body),
        ("GET", f"/contacts/{contact['id']}", None),
        ("GET", "/no_such_resource", None),
    ]:
        extra = {"Content-Type": "application/vnd.quipu.v1+json"} if payload else {}
        connection.request(method, path, body=payload, headers={**headers, **extra})
        response = connection.getresponse()
        content = response.read()
        sockets.add(id(connection.sock))
        assert response.version == 11
        assert int(response.headers["Content-Length"]) == len(content)
        assert response.headers.get("Connection") != "close"
    assert len(sockets) == 1
    assert response.status == 404
    connection.request("GET", f"/contacts/{contact['id']}", headers=headers)
    assert b"Kept Alive S.L." in connection.getresponse().read()
    connection.close()


def test_a_refused_write_whose_body_was_not_read_leaves_the_connection_usable(sandbox_server):
    connection = _connection(sandbox_server)
    # No token: answered 401 before the body is looked at; the body is skipped, not taken for a request.
    connection.request(
        "PATCH", "/contacts/1", body=b'{"data": {}}' * 100, headers={"Content-Type": "application/json"}
    )
    first = connection.getresponse()
    first.read()
    assert first.status == 401
    connection.request("GET", "/_sandbox/accounts")
    second = connection.getresponse()
    assert second.status == 200 and b"demo-sl-app-id" in second.read()
    connection.close()


def test_the_connection_closes_when_the_client_asks_or_an_answer_is_dropped(sandbox_server, account):
    connection = _connection(sandbox_server)
    connection.request("GET", "/_sandbox/accounts", headers={"Connection": "close"})
    response = connection.getresponse()
    response.read()
    assert response.headers["Connection"] == "close"

    api = Api.for_account(sandbox_server.base_url, account)
    api.authenticate()
    sandbox_server.set_faults(app_id=account["app_id"], drop=1.0)
    try:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {api.token}"}
        try:
            session.get(f"{sandbox_server.base_url}/contacts", headers=headers, timeout=30)
        except requests.ConnectionError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the dropped answer arrived")
    finally:
        sandbox_server.clear_faults(account["app_id"])
    # The next request opens a new connection and is answered.
    assert session.get(f"{sandbox_server.base_url}/contacts", headers=headers, timeout=30).status_code == 200
