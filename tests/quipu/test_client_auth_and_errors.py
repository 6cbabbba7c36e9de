import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from quipu_portal.quipu.auth import AccessToken, TokenCache
from quipu_portal.quipu.client import Priority, QuipuClient
from quipu_portal.quipu.config import QuipuCredentials
from quipu_portal.quipu.errors import (
    QuipuAuthError,
    QuipuForbiddenError,
    QuipuMalformedResponseError,
    QuipuNotFoundError,
    QuipuRateLimitedError,
    QuipuServerError,
    QuipuUnavailableError,
    QuipuValidationError,
)
from quipu_portal.quipu.records import ItemInput, RecordInput

from .conftest import QUICK_RETRIES, account_stats

pytestmark = pytest.mark.django_db


def test_the_token_is_fetched_once_and_reused_by_later_calls_and_other_clients(client, credentials):
    client.list("contacts")
    client.list("numbering_series")
    assert client.tokens.fetch_count == 1

    with QuipuClient(credentials) as other:  # another page view or worker: the shared token
        other.list("contacts")
        assert other.tokens.fetch_count == 0


def test_a_token_about_to_expire_is_replaced_before_it_is_used(client, credentials):
    client.list("contacts")
    old = client.tokens.current()
    TokenCache(credentials).set(AccessToken(access_token=old.access_token, expires_at=time.time() + 20))
    client.tokens.forget()

    client.list("contacts")

    assert client.tokens.fetch_count == 2
    assert client.tokens.current().access_token != old.access_token


def test_a_token_the_server_expired_is_renewed_once_after_the_401(client, sandbox, quipu_account):
    client.list("contacts")
    sandbox.expire_tokens(app_id=quipu_account["app_id"])

    page = client.list("contacts")

    assert page.records
    assert client.tokens.fetch_count == 2


def test_a_second_401_gives_up_with_an_auth_error_instead_of_looping(client, sandbox, quipu_account):
    client.list("contacts")
    before = account_stats(sandbox, quipu_account["app_id"])["requests"]
    sandbox.set_faults(expire=1.0, seed=1, app_id=quipu_account["app_id"])

    with pytest.raises(QuipuAuthError):
        client.list("contacts")

    sandbox.clear_faults()
    assert account_stats(sandbox, quipu_account["app_id"])["requests"] - before <= 3


def test_concurrent_clients_with_no_token_cause_a_single_token_request(credentials, transactional_db):
    counts, errors = [], []

    def page_view():
        try:
            with QuipuClient(credentials) as quipu:
                quipu.list("contacts")
                counts.append(quipu.tokens.fetch_count)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=page_view) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(counts) == [0, 0, 0, 1]


def test_wrong_credentials_are_an_auth_error(sandbox, quipu_account):
    credentials = QuipuCredentials(sandbox.base_url, quipu_account["app_id"], "not-the-secret")
    with QuipuClient(credentials) as quipu, pytest.raises(QuipuAuthError) as excinfo:
        quipu.list("contacts")
    assert excinfo.value.status == 401
    assert "not-the-secret" not in str(excinfo.value)


def test_missing_record_is_not_found(client):
    with pytest.raises(QuipuNotFoundError):
        client.retrieve("contacts", "987654321")


def test_deleting_a_contact_with_documents_is_forbidden_with_quipus_reason(client):
    contact = next(c for c in client.iterate("contacts") if c.deletable is False)
    with pytest.raises(QuipuForbiddenError) as excinfo:
        client.delete("contacts", contact.id)
    assert excinfo.value.reason
    assert client.retrieve("contacts", contact.id).id == contact.id


def test_validation_errors_point_at_the_attribute(client):
    with pytest.raises(QuipuValidationError) as excinfo:
        client.create("contacts", RecordInput(attributes={"name": ""}))
    assert [e.field for e in excinfo.value.field_errors] == ["name"]


def test_validation_errors_inside_items_say_which_item_and_field(client):
    contact = client.list("contacts").records[0]
    data = RecordInput(
        attributes={"kind": "income", "issue_date": "2026-03-01"},
        relationships={"contact": contact.id},
        items=[
            ItemInput(
                attributes={
                    "concept": "Revisión",
                    "unitary_amount": "10.00",
                    "quantity": 1,
                    "vat_percent": 21,
                }
            ),
            ItemInput(attributes={"concept": "", "unitary_amount": "5.00", "quantity": 1, "vat_percent": 21}),
        ],
    )
    with pytest.raises(QuipuValidationError) as excinfo:
        client.create("invoices", data)
    item_errors = [e for e in excinfo.value.field_errors if e.field == "items"]
    assert [(e.item_index, e.item_field) for e in item_errors] == [(1, "concept")]


def test_internal_server_error_is_a_server_error_and_is_not_repeated(client, sandbox, quipu_account):
    client.list("contacts")
    before = account_stats(sandbox, quipu_account["app_id"])["requests"]
    sandbox.set_faults(p500=1.0, seed=1, app_id=quipu_account["app_id"])
    with pytest.raises(QuipuServerError):
        client.list("contacts")
    sandbox.clear_faults()
    assert account_stats(sandbox, quipu_account["app_id"])["requests"] - before == 1


def test_a_service_that_stays_unavailable_ends_in_unavailable_after_the_retries(
    client, sandbox, quipu_account
):
    client.list("contacts")
    sandbox.set_faults(p503=1.0, seed=1, app_id=quipu_account["app_id"])
    before = account_stats(sandbox, quipu_account["app_id"])["requests"]
    with pytest.raises(QuipuUnavailableError) as excinfo:
        client.list("contacts")
    sandbox.clear_faults()
    assert excinfo.value.status == 503
    assert account_stats(sandbox, quipu_account["app_id"])["requests"] - before == QUICK_RETRIES.max_attempts


def test_an_unreachable_server_is_unavailable(db):
    credentials = QuipuCredentials("http://127.0.0.1:9", "app", "secret")  # discard port: refused
    with QuipuClient(credentials, retry_policy=QUICK_RETRIES) as quipu, pytest.raises(QuipuUnavailableError):
        quipu.list("contacts")


def test_when_quipu_says_the_budget_is_spent_a_page_view_is_told_how_long_to_wait(
    client, sandbox, quipu_account
):
    sandbox.set_rate(2, 60, app_id=quipu_account["app_id"])  # Quipu's limit, unknown to our settings
    client.list("contacts")  # the token request and this call use both: RateLimit-Remaining: 0
    with pytest.raises(QuipuRateLimitedError) as excinfo:
        client.list("contacts")
    assert excinfo.value.retry_after > 30
    # The headers were enough: the client did not spend a request on a certain 429.
    assert account_stats(sandbox, quipu_account["app_id"])["over_limit"] == 0


def test_after_a_429_every_client_of_the_pair_waits_as_quipu_asked(
    client, credentials, sandbox, quipu_account
):
    client.list("contacts")
    sandbox.set_faults(p429=1.0, seed=1, app_id=quipu_account["app_id"])  # 429 with Retry-After: 1
    with pytest.raises(QuipuRateLimitedError):
        client.list("contacts")
    sandbox.clear_faults(app_id=quipu_account["app_id"])
    with QuipuClient(credentials, priority=Priority.BACKGROUND) as worker:
        started = time.monotonic()
        worker.list("contacts")
        assert worker.last_wait_seconds > 0.3
    assert time.monotonic() - started > 0.3


def test_when_our_own_budget_is_used_up_a_page_view_refuses_to_wait_longer_than_the_page_limit(
    credentials, settings, db
):
    settings.QUIPU_RATE_LIMIT = "2/60s"
    settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS = 2
    with QuipuClient(credentials) as quipu:
        quipu.list("contacts")
        started = time.monotonic()
        with pytest.raises(QuipuRateLimitedError) as excinfo:
            quipu.list("contacts")
    assert time.monotonic() - started < 1
    assert excinfo.value.retry_after > 50


class _MaintenancePage(BaseHTTPRequestHandler):
    """A proxy in front of Quipu answering with HTML: the kind of body the client must reject."""

    def do_POST(self):
        self._send(
            200,
            "application/json",
            json.dumps({"access_token": "abc", "token_type": "bearer", "expires_in": 7200}),
        )

    def do_GET(self):
        if self.path.startswith("/contacts/1"):
            self._send(200, "application/vnd.quipu.v1+json", json.dumps({"meta": {}}))
        else:
            self._send(200, "text/html", "<html><body>Down for maintenance</body></html>")

    def _send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_an_answer_that_is_not_a_json_api_document_is_malformed(db):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MaintenancePage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        credentials = QuipuCredentials(f"http://127.0.0.1:{server.server_port}", "app", "secret")
        with QuipuClient(credentials) as quipu:
            with pytest.raises(QuipuMalformedResponseError):
                quipu.list("contacts")
            with pytest.raises(QuipuMalformedResponseError):
                quipu.retrieve("contacts", "1")
    finally:
        server.shutdown()
