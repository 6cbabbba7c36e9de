"""Sessions and cookies under the production settings (``check --deploy`` itself is in tests/core)."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.core.test_deploy_settings import PRODUCTION_ENV, run_manage

COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "DEBUG",
)


@pytest.fixture(scope="module")
def production():
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {COOKIE_SETTINGS!r}}}))"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_https_only_and_hidden_from_scripts(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["DEBUG"] is False


def test_production_forces_https_and_forbids_framing(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"


@pytest.mark.django_db
def test_signing_in_under_production_cookie_settings_sets_only_secure_cookies(production, user):
    values = {
        name: production[name]
        for name in COOKIE_SETTINGS
        if name.endswith(("SECURE", "HTTPONLY", "SAMESITE"))
    }
    with override_settings(**values):
        browser = Client()
        page = browser.get(reverse("login"), secure=True)
        response = browser.post(
            reverse("login"),
            {
                "username": "ana",
                "password": "a-long-test-password-1",
                "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
            },
            secure=True,
        )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] in ("Lax", "Strict")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
