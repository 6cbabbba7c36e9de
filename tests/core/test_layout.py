import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_signed_in_user_sees_layout_with_navigation_and_csrf_on_htmx(client, user):
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Navegación principal"' in html
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html)
    assert "htmx" in html


def test_every_page_sends_a_strict_csp_and_loads_nothing_from_other_hosts(client, user):
    client.force_login(user)
    for url in ["/", reverse("login"), reverse("password_change")]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        html = response.content.decode()
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), url


def test_inline_scripts_carry_the_nonce_of_the_policy(client, user):
    client.force_login(user)
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_staff_can_open_the_django_admin_and_others_cannot(client, user, admin_client):
    assert admin_client.get("/admin/").status_code == 200
    client.force_login(user)
    assert client.get("/admin/").status_code == 302


def test_password_change_works(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "a-long-test-password-1",
            "new_password1": "another-long-password-77",
            "new_password2": "another-long-password-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-password-77")


def test_logout_needs_a_post_with_csrf(user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post(reverse("logout")).status_code == 403
    assert browser.get("/").status_code == 200


def test_repeated_wrong_passwords_lock_the_login_for_a_while(client, user):
    for _ in range(5):
        client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ana", "password": "a-long-test-password-1"})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()
