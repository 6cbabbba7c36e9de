"""Sign-in throttling locks a (user name, address) pair, with the client's address read behind the proxy."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"  # the `user` fixture's
PROXY = "10.0.0.2"


def _sign_in(browser, password, **headers):
    return browser.post(reverse("login"), {"username": "ana", "password": password}, headers=headers)


def _fail_five_times(browser, **headers):
    for _ in range(5):
        _sign_in(browser, "wrong", **headers)


def test_failures_from_one_address_do_not_lock_the_user_out_from_another(user):
    attacker, owner = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="198.51.100.7")

    _fail_five_times(attacker)

    assert _sign_in(attacker, PASSWORD).status_code == 429
    assert _sign_in(owner, PASSWORD).status_code == 302


def test_behind_the_proxy_the_address_it_forwards_is_the_clients(user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, owner = Client(REMOTE_ADDR=PROXY), Client(REMOTE_ADDR=PROXY)

    _fail_five_times(attacker, **{"X-Forwarded-For": "203.0.113.5"})

    # A client may write its own X-Forwarded-For: only the address the proxy appended counts.
    spoofed = _sign_in(attacker, PASSWORD, **{"X-Forwarded-For": "192.0.2.99, 203.0.113.5"})
    assert spoofed.status_code == 429
    assert _sign_in(owner, PASSWORD, **{"X-Forwarded-For": "198.51.100.7"}).status_code == 302


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(user):
    attacker = Client(REMOTE_ADDR="203.0.113.5")

    _fail_five_times(attacker, **{"X-Forwarded-For": "192.0.2.1"})

    assert _sign_in(attacker, PASSWORD, **{"X-Forwarded-For": "192.0.2.2"}).status_code == 429
