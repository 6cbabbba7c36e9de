import logging
import time

import pytest
from django.core.cache import cache

from quipu_portal.quipu.auth import AccessToken, TokenCache, token_lifetime
from quipu_portal.quipu.config import QuipuCredentials


def test_expires_in_is_seconds_or_a_mislabelled_epoch():
    now = 1_456_339_025
    assert token_lifetime({"expires_in": 7200}, now=now) == 7200
    assert token_lifetime({"expires_in": 2943}, now=now) == 2943  # an existing token, part of its life left
    assert token_lifetime({"expires_in": 1_456_346_225, "created_at": 1_456_339_025}, now=now) == 7200
    assert token_lifetime({}, now=now) == 3600


@pytest.mark.django_db
def test_the_shared_token_is_unreadable_without_the_app_secret():
    mine = QuipuCredentials("https://getquipu.com", "app-1", "secret-1")
    TokenCache(mine).set(AccessToken(access_token="tok-abc-123", expires_at=time.time() + 3600))

    stored = cache.get(TokenCache(mine).key)
    assert "tok-abc-123" not in str(stored)
    assert TokenCache(mine).get().access_token == "tok-abc-123"
    rotated = QuipuCredentials("https://getquipu.com", "app-1", "secret-2")  # the secret was changed
    assert TokenCache(rotated).get() is None


@pytest.mark.django_db
def test_calls_are_logged_without_tokens_or_secrets(client, credentials, caplog):
    caplog.set_level(logging.DEBUG)
    client.list("contacts", filters={"q": "a"})
    client.retrieve("contacts", client.list("contacts").records[0].id)

    token = client.tokens.current().access_token
    calls = [r.getMessage() for r in caplog.records if r.name == "quipu_portal.quipu.client"]
    assert any("POST /oauth/token -> 200" in line for line in calls)
    assert any(line.startswith("quipu GET /contacts -> 200") and "rate wait" in line for line in calls)
    assert token not in caplog.text
    assert credentials.app_secret not in caplog.text


def test_error_messages_for_users_are_translated_to_spanish():
    from django.utils import translation

    from quipu_portal.quipu.errors import QuipuNotFoundError, QuipuUnavailableError

    with translation.override("es"):
        assert str(QuipuNotFoundError().message) == "Quipu no tiene ese registro. Puede que se haya borrado."
        assert str(QuipuUnavailableError(may_have_been_applied=True).message).startswith(
            "Quipu no ha respondido"
        )
