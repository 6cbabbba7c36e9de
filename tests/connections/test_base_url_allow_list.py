"""A connection reaches only the Quipu addresses of QUIPU_ALLOWED_BASE_URLS: no host a user types in."""

import html

import pytest
from django.urls import reverse

from quipu_portal.connections.models import Connection
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for, connection_create
from quipu_portal.quipu.config import base_url_allowed
from quipu_portal.quipu.errors import QuipuAuthError
from tests.connections.test_connection_pages import add_form

NOT_ALLOWED = "This portal only connects to these addresses:"


@pytest.mark.parametrize(
    "base_url",
    [
        "https://evil.example",
        "https://169.254.169.254/latest/meta-data",
        "https://getquipu.com.evil.example",
        "https://getquipu.com:8443",
        "https://10.0.0.5",
    ],
)
def test_an_address_outside_the_allowed_ones_is_refused_at_the_field(signed_in, base_url):
    response = signed_in.post(reverse("connections:add"), add_form(base_url=base_url))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert NOT_ALLOWED in page and 'id="id_base_url_error"' in page
    assert not Connection.objects.exists()


def test_quipu_itself_and_the_addresses_the_settings_add_are_accepted(signed_in, settings):
    settings.QUIPU_ALLOWED_BASE_URLS = ["https://getquipu.com", "https://quipu.gestoria.example/api"]

    for number, base_url in enumerate(["https://getquipu.com", "https://quipu.gestoria.example/api/"]):
        response = signed_in.post(
            reverse("connections:add"), add_form(name=f"S.L. {number}", base_url=base_url)
        )
        assert response.status_code == 302, base_url
    refused = signed_in.post(
        reverse("connections:add"), add_form(name="Other", base_url="https://127.0.0.1:9")
    )

    assert NOT_ALLOWED in html.unescape(refused.content.decode())
    assert Connection.objects.count() == 2


def test_a_stored_connection_outside_the_allowed_ones_is_never_called(signed_in, english_user):
    connection = connection_create(
        owner=english_user, name="Old S.L.", base_url="https://evil.example", app_id="a", app_secret="s"
    )

    with pytest.raises(QuipuAuthError):
        client_for(connection)
    response = signed_in.get(connection_reverse("invoices:list", connection=connection))

    assert response.status_code == 403
    assert "API address is not allowed here" in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "base_url, allowed",
    [
        ("https://getquipu.com", True),
        ("https://GETQUIPU.com:443/", True),
        ("https://getquipu.com:8443", False),
        ("http://getquipu.com", False),
        ("https://getquipu.com.evil.example", False),
        ("https://evil.example#@getquipu.com", False),
        ("https://getquipu.com:port", False),
        ("http://127.0.0.1:5555", True),  # the sandbox, on any port, in test settings
    ],
)
def test_the_allow_list_compares_scheme_host_and_port(base_url, allowed):
    assert base_url_allowed(base_url) is allowed
