"""The connection pages: add, edit, delete, switch; write-only secrets; ownership; CSRF."""

import logging

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, reverse

from quipu_portal.connections import urls as connection_urls
from quipu_portal.connections.crypto import connection_secret_get
from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.models import Connection
from quipu_portal.connections.services import ACTIVE_CONNECTION_SESSION_KEY, connection_create
from tests.connections.conftest import SECRET


def add_form(**overrides):
    data = {
        "name": "Bar Manolo S.L.",
        "base_url": "https://127.0.0.1:9",
        "app_id": "bar-manolo-id",
        "app_secret": "bar-manolo-secret-0042",
    }
    return {**data, **overrides}


def test_adding_a_connection_stores_it_encrypted_and_makes_the_first_one_active(signed_in, english_user):
    response = signed_in.post(reverse("connections:add"), add_form(), follow=True)

    assert response.status_code == 200
    assert "Connection “Bar Manolo S.L.” added." in response.content.decode()
    connection = Connection.objects.get(owner=english_user)
    assert connection.base_url == "https://127.0.0.1:9"
    assert "bar-manolo-secret-0042" not in connection.app_secret_encrypted
    assert connection_secret_get(connection=connection) == "bar-manolo-secret-0042"
    assert signed_in.session[ACTIVE_CONNECTION_SESSION_KEY] == connection.pk


def test_a_second_connection_does_not_take_over_the_active_one(signed_in, offline_connection):
    signed_in.post(reverse("connections:activate"), {"connection": offline_connection.pk})

    signed_in.post(reverse("connections:add"), add_form())

    assert signed_in.session[ACTIVE_CONNECTION_SESSION_KEY] == offline_connection.pk


def test_the_add_form_requires_the_secret_and_offers_the_default_address(signed_in, settings):
    page = signed_in.get(reverse("connections:add")).content.decode()
    assert f'value="{settings.QUIPU_DEFAULT_BASE_URL}"' in page

    response = signed_in.post(reverse("connections:add"), add_form(app_secret=""))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    ("base_url", "error"),
    [
        ("ftp://quipu.example", "The address must start with https://."),
        ("not an address", "Enter a valid URL."),
        ("http://quipu.example", "credentials are never sent unencrypted"),
        ("https://user:pass@quipu.example", "must not contain a user name or password"),
        ("https://quipu.example/?x=1", "must not contain a query"),
    ],
)
def test_the_api_address_must_be_https(signed_in, base_url, error):
    response = signed_in.post(reverse("connections:add"), add_form(base_url=base_url))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Connection.objects.exists()


def test_plain_http_is_allowed_only_for_a_loopback_sandbox_when_the_settings_say_so(signed_in, settings):
    settings.QUIPU_ALLOW_INSECURE_LOOPBACK = False
    response = signed_in.post(reverse("connections:add"), add_form(base_url="http://127.0.0.1:8765"))
    assert "credentials are never sent unencrypted" in response.content.decode()

    settings.QUIPU_ALLOW_INSECURE_LOOPBACK = True
    response = signed_in.post(reverse("connections:add"), add_form(base_url="http://127.0.0.1:8765/"))
    assert response.status_code == 302
    assert Connection.objects.get().base_url == "http://127.0.0.1:8765"


def test_two_connections_of_one_user_cannot_share_a_name(signed_in, offline_connection):
    response = signed_in.post(reverse("connections:add"), add_form(name=offline_connection.name))

    assert "You already have a connection with this name." in response.content.decode()
    assert Connection.objects.count() == 1


def test_editing_with_a_blank_secret_keeps_the_current_one(signed_in, offline_connection, secret):
    url = reverse("connections:edit", args=[offline_connection.pk])
    page = signed_in.get(url).content.decode()
    assert "Leave blank to keep the current secret." in page

    response = signed_in.post(
        url, {"name": "Renamed S.L.", "base_url": "https://127.0.0.1:9", "app_id": "offline-app-id"}
    )

    assert response.status_code == 302
    offline_connection.refresh_from_db()
    assert offline_connection.name == "Renamed S.L."
    assert connection_secret_get(connection=offline_connection) == secret


def test_editing_with_a_new_secret_replaces_it_and_forgets_the_last_test(signed_in, offline_connection):
    Connection.objects.filter(pk=offline_connection.pk).update(
        last_test_status="ok", last_test_message="fine"
    )

    signed_in.post(
        reverse("connections:edit", args=[offline_connection.pk]),
        add_form(name=offline_connection.name, app_secret="a-brand-new-secret"),
    )

    offline_connection.refresh_from_db()
    assert connection_secret_get(connection=offline_connection) == "a-brand-new-secret"
    assert offline_connection.last_test_status == ""


def test_deleting_asks_first_and_names_the_connection(signed_in, offline_connection):
    url = reverse("connections:delete", args=[offline_connection.pk])

    confirmation = signed_in.get(url)
    assert "Delete the connection “Offline S.L.”?" in confirmation.content.decode()
    assert Connection.objects.filter(pk=offline_connection.pk).exists()

    response = signed_in.post(url, follow=True)
    assert "Connection “Offline S.L.” deleted." in response.content.decode()
    assert not Connection.objects.filter(pk=offline_connection.pk).exists()


def test_deleting_the_active_connection_falls_back_to_another(signed_in, offline_connection, english_user):
    other = connection_create(
        owner=english_user, name="Other S.L.", base_url="https://127.0.0.1:9", app_id="o", app_secret="o"
    )
    signed_in.post(reverse("connections:activate"), {"connection": offline_connection.pk})

    signed_in.post(reverse("connections:delete", args=[offline_connection.pk]))
    page = signed_in.get(reverse("connections:list")).content.decode()

    assert signed_in.session[ACTIVE_CONNECTION_SESSION_KEY] == other.pk
    assert f'<option value="{other.pk}" selected>Other S.L.</option>' in page


def test_the_list_shows_each_connection_and_which_one_is_in_use(signed_in, offline_connection, english_user):
    connection_create(
        owner=english_user,
        name="Zapatería S.L.",
        base_url="https://127.0.0.1:9",
        app_id="zap",
        app_secret="z",
    )

    page = signed_in.get(reverse("connections:list")).content.decode()

    assert "Offline S.L." in page
    assert "Zapatería S.L." in page
    assert "offline-app-id" in page
    assert "https://127.0.0.1:9" in page
    assert page.count('data-testid="active-badge"') == 1
    assert "Not tested" in page


def test_the_sidebar_switcher_changes_the_active_connection_and_returns_to_the_page(
    signed_in, offline_connection, english_user
):
    second = connection_create(
        owner=english_user, name="Second S.L.", base_url="https://127.0.0.1:9", app_id="s", app_secret="s"
    )
    page = signed_in.get("/").content.decode()
    assert '<label class="nav-section" for="connection-switcher">Working on</label>' in page
    assert 'name="connection" data-autosubmit' in page

    response = signed_in.post(reverse("connections:activate"), {"connection": second.pk, "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    page = signed_in.get("/").content.decode()
    assert f'<option value="{second.pk}" selected>Second S.L.</option>' in page


def test_switching_never_redirects_to_another_site(signed_in, offline_connection):
    response = signed_in.post(
        reverse("connections:activate"),
        {"connection": offline_connection.pk, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("connections:list")


def test_without_connections_the_sidebar_offers_to_add_one(signed_in):
    page = signed_in.get("/").content.decode()

    assert f'<a href="{reverse("connections:add")}">Add a Quipu connection</a>' in page


def test_a_client_page_works_on_the_connection_of_its_url_not_the_sessions(english_user, offline_connection):
    second = connection_create(
        owner=english_user, name="Second S.L.", base_url="https://127.0.0.1:9", app_id="s", app_secret="s"
    )

    @connection_required
    def resource_view(request):
        return HttpResponse(f"working on {request.connection.name}")

    request = RequestFactory().get(f"/c/{second.pk}/contacts/")
    request.user = english_user
    request.session = {ACTIVE_CONNECTION_SESSION_KEY: offline_connection.pk}
    request.htmx = False
    response = resource_view(request, connection_id=second.pk)

    assert response.content == b"working on Second S.L."
    # Opening it makes it the last client used: where old URLs and the home page go.
    assert request.session[ACTIVE_CONNECTION_SESSION_KEY] == second.pk


def test_an_old_url_without_any_connection_sends_the_user_to_add_one(signed_in):
    response = signed_in.get("/contacts/", follow=True)
    assert response.redirect_chain == [(reverse("connections:list"), 302)]
    assert (
        "Add a Quipu connection first: it tells the portal which account to open."
        in response.content.decode()
    )

    response = signed_in.get("/contacts/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("connections:list")


# Ownership ---------------------------------------------------------------------------------------


def id_taking_patterns():
    return [
        pattern
        for pattern in connection_urls.urlpatterns
        if isinstance(pattern, URLPattern) and "connection_id" in pattern.pattern.converters
    ]


def test_every_connection_url_with_another_users_id_gives_404(signed_in, others_connection, secret):
    patterns = id_taking_patterns()
    assert {pattern.name for pattern in patterns} >= {"edit", "delete", "test"}

    for pattern in patterns:
        url = reverse(f"connections:{pattern.name}", args=[others_connection.pk])
        for method in (signed_in.get, signed_in.post):
            for headers in ({}, {"HX-Request": "true"}):
                response = method(
                    url, data=add_form(name="Hijacked") if method == signed_in.post else None, headers=headers
                )
                assert response.status_code == 404, (url, method, headers)
    response = signed_in.post(reverse("connections:activate"), {"connection": others_connection.pk})
    assert response.status_code == 404

    others_connection.refresh_from_db()
    assert others_connection.name == "Not yours S.A."
    assert others_connection.last_tested_at is None
    assert ACTIVE_CONNECTION_SESSION_KEY not in signed_in.session


def test_another_users_connections_are_not_listed_or_offered_in_the_switcher(signed_in, others_connection):
    page = signed_in.get(reverse("connections:list")).content.decode()

    assert "Not yours S.A." not in page
    assert "other-app-id" not in page


def test_a_stale_session_pointing_at_another_users_connection_is_ignored(
    client, english_user, others_connection
):
    client.force_login(english_user)
    session = client.session
    session[ACTIVE_CONNECTION_SESSION_KEY] = others_connection.pk
    session.save()

    page = client.get("/").content.decode()

    assert "Not yours S.A." not in page
    assert "Add a Quipu connection" in page


def test_every_connection_page_needs_a_signed_in_user(client, offline_connection):
    urls = [reverse("connections:list"), reverse("connections:add"), reverse("connections:activate")]
    urls += [reverse(f"connections:{p.name}", args=[offline_connection.pk]) for p in id_taking_patterns()]
    for url in urls:
        assert client.get(url).status_code == 302
        assert client.post(url).status_code == 302
    assert Connection.objects.filter(pk=offline_connection.pk).exists()


def test_posts_without_a_csrf_token_are_refused(english_user, offline_connection):
    client = Client(enforce_csrf_checks=True)
    client.force_login(english_user)

    posts = [
        (reverse("connections:add"), add_form()),
        (reverse("connections:edit", args=[offline_connection.pk]), add_form(name="Changed")),
        (reverse("connections:test", args=[offline_connection.pk]), {}),
        (reverse("connections:activate"), {"connection": offline_connection.pk}),
        (reverse("connections:delete", args=[offline_connection.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url

    offline_connection.refresh_from_db()
    assert offline_connection.name == "Offline S.L."
    assert offline_connection.last_tested_at is None
    assert Connection.objects.count() == 1


# The secret is write-only ---------------------------------------------------------------------------


def test_the_secret_never_appears_in_a_page_or_a_log_line(signed_in, offline_connection, secret, caplog):
    caplog.set_level(logging.DEBUG)
    edit_url = reverse("connections:edit", args=[offline_connection.pk])
    responses = [
        signed_in.get(reverse("connections:list")),
        signed_in.get(edit_url),
        signed_in.get(reverse("connections:delete", args=[offline_connection.pk])),
        signed_in.get(reverse("connections:add")),
        # Invalid forms come back with what was typed, except the secret.
        signed_in.post(reverse("connections:add"), add_form(name="", app_secret=secret)),
        signed_in.post(edit_url, add_form(name="", app_secret=secret)),
        signed_in.post(edit_url, add_form(name="Offline S.L.", app_secret=secret), follow=True),
        signed_in.post(reverse("connections:test", args=[offline_connection.pk]), follow=True),
        signed_in.post(
            reverse("connections:test", args=[offline_connection.pk]), headers={"HX-Request": "true"}
        ),
        signed_in.get("/admin/connections/connection/"),
    ]

    for response in responses:
        assert response.status_code in (200, 302)
        assert secret not in response.content.decode()
    assert 'name="app_secret"' in responses[4].content.decode()
    assert 'value="bar-manolo-id"' in responses[4].content.decode()
    assert caplog.records
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert secret not in caplog.text


def test_the_secret_is_hidden_from_the_error_page_and_the_error_report(
    signed_in, settings, secret, mailoutbox
):
    settings.ADMINS = ["ops@example.com"]
    settings.QUIPU_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    signed_in.raise_request_exception = False

    response = signed_in.post(reverse("connections:add"), add_form(app_secret=secret))

    assert response.status_code == 500
    assert secret not in response.content.decode()
    [report] = mailoutbox
    assert "QUIPU_ENCRYPTION_KEYS must hold Fernet keys" in report.body
    assert "app_secret" in report.body
    assert secret not in report.body
    assert all(secret not in str(content) for content, _ in report.alternatives)
    assert not Connection.objects.exists()


def test_staff_see_connections_in_the_admin_without_the_secret(admin_client, offline_connection, secret):
    page = admin_client.get(f"/admin/connections/connection/{offline_connection.pk}/change/").content.decode()

    assert "Offline S.L." in page
    assert "app_secret" not in page
    assert offline_connection.app_secret_encrypted not in page
    assert secret not in page


def test_the_pages_read_in_spanish_by_default(client, user):
    connection_create(owner=user, name="Bar Pepe", base_url="https://127.0.0.1:9", app_id="p", app_secret="p")
    client.force_login(user)

    page = client.get(reverse("connections:list")).content.decode()

    assert "Añadir una conexión" in page
    assert "Trabajando en" in page
    assert "Sin probar" in page


def test_ids_above_a_thousand_are_written_without_a_thousands_separator(signed_in, english_user):
    """A busy database soon has connection 1052: "1,052" in an id or a form value breaks the page."""
    connection = connection_create(
        owner=english_user,
        name="Big Company S.L.",
        base_url="https://127.0.0.1:9",
        app_id="big-app-id",
        app_secret=SECRET,
    )
    Connection.objects.filter(pk=connection.pk).update(id=1052)

    page = signed_in.get(reverse("connections:list")).content.decode()

    assert 'id="status-1052"' in page and 'hx-target="#status-1052"' in page
    assert 'value="1052"' in page  # the sidebar switcher and the row's own form
    assert "1,052" not in page
    switched = signed_in.post(reverse("connections:activate"), {"connection": "1052"})
    assert switched.status_code == 302
