"""'Test connection' against the sandbox: what an accountant reads for each outcome."""

import logging
import re
import socket

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from quipu_portal.connections.models import Connection, ConnectionStatus
from quipu_portal.connections.services import client_for, connection_create, connection_test


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sandbox_connection(english_user, sandbox, quipu_account):
    return connection_create(
        owner=english_user,
        name=quipu_account["name"],
        base_url=sandbox.base_url,
        app_id=quipu_account["app_id"],
        app_secret=quipu_account["app_secret"],
    )


def test_working_credentials_are_reported_as_connected(sandbox_connection):
    result = connection_test(connection=sandbox_connection)

    assert result.status == ConnectionStatus.OK
    assert result.message == "Connected: Quipu answered and the credentials work."
    stored = Connection.objects.get(pk=sandbox_connection.pk)
    assert stored.last_test_status == ConnectionStatus.OK
    assert stored.last_tested_at is not None
    assert stored.last_used_at is not None


def test_a_wrong_secret_is_reported_as_refused_credentials(english_user, sandbox, quipu_account):
    connection = connection_create(
        owner=english_user,
        name="Wrong secret S.L.",
        base_url=sandbox.base_url,
        app_id=quipu_account["app_id"],
        app_secret="not-the-secret",
    )

    result = connection_test(connection=connection)

    assert result.status == ConnectionStatus.BAD_CREDENTIALS
    assert result.message == (
        "Quipu refused these credentials. Check the app ID and app secret in Quipu's settings."
    )


def test_an_address_where_nothing_answers_is_reported_as_unreachable(english_user):
    connection = connection_create(
        owner=english_user,
        name="Nowhere S.L.",
        base_url=f"http://127.0.0.1:{closed_port()}",
        app_id="demo-sl-app-id",
        app_secret="demo-sl-app-secret",
    )

    result = connection_test(connection=connection)

    assert result.status == ConnectionStatus.UNREACHABLE
    assert result.message.startswith("Quipu could not be reached at this address.")


def test_a_rate_limited_account_is_told_when_to_try_again(
    sandbox, quipu_account, sandbox_connection, settings
):
    settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS = 0.5
    sandbox.set_faults(app_id=quipu_account["app_id"], p429=1.0)
    try:
        result = connection_test(connection=sandbox_connection)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert result.status == ConnectionStatus.RATE_LIMITED
    assert re.fullmatch(r"Quipu's rate limit was reached; try again in \d+ seconds?\.", result.message)


def test_a_secret_the_keys_can_no_longer_read_asks_for_it_again(offline_connection, settings):
    settings.QUIPU_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    result = connection_test(connection=offline_connection)

    assert result.status == ConnectionStatus.ERROR
    assert "Edit the connection and enter the app secret again." in result.message


def test_the_test_button_swaps_only_the_status_cell_with_htmx(signed_in, sandbox_connection):
    url = reverse("connections:test", args=[sandbox_connection.pk])

    response = signed_in.post(url, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith(f'<td id="status-{sandbox_connection.pk}"')
    assert "Connected: Quipu answered and the credentials work." in html


def test_the_test_button_works_as_a_plain_form_post(signed_in, sandbox_connection):
    url = reverse("connections:test", args=[sandbox_connection.pk])

    response = signed_in.post(url, follow=True)

    assert response.redirect_chain == [(reverse("connections:list"), 302)]
    html = response.content.decode()
    assert 'class="message message-success"' in html
    assert "Connected: Quipu answered and the credentials work." in html
    assert signed_in.get(url).status_code == 405


def test_a_failed_test_is_shown_as_an_error_message_and_a_badge(
    signed_in, english_user, sandbox, quipu_account
):
    connection = connection_create(
        owner=english_user,
        name="Wrong secret S.L.",
        base_url=sandbox.base_url,
        app_id=quipu_account["app_id"],
        app_secret="not-the-secret",
    )

    response = signed_in.post(reverse("connections:test", args=[connection.pk]), follow=True)

    html = response.content.decode()
    assert 'class="message message-error" role="alert"' in html
    assert '<span class="badge badge-bad">Wrong credentials</span>' in html


def test_no_secret_reaches_a_log_line_while_talking_to_quipu(
    signed_in, sandbox_connection, quipu_account, english_user, sandbox, caplog
):
    caplog.set_level(logging.DEBUG)
    wrong = connection_create(
        owner=english_user,
        name="Wrong secret S.L.",
        base_url=sandbox.base_url,
        app_id=quipu_account["app_id"],
        app_secret="typed-by-mistake-5d1e",
    )

    for connection in (sandbox_connection, wrong):
        signed_in.post(reverse("connections:test", args=[connection.pk]), headers={"HX-Request": "true"})
    with client_for(sandbox_connection) as client:
        client.list("contacts", page_size=5)

    assert caplog.records
    for secret in (quipu_account["app_secret"], "typed-by-mistake-5d1e"):
        assert secret not in caplog.text
        assert all(secret not in record.getMessage() for record in caplog.records)


def test_client_for_records_use_at_most_once_a_minute(sandbox_connection):
    client_for(sandbox_connection)
    first = Connection.objects.get(pk=sandbox_connection.pk).last_used_at

    client_for(Connection.objects.get(pk=sandbox_connection.pk))

    assert first is not None
    assert Connection.objects.get(pk=sandbox_connection.pk).last_used_at == first
