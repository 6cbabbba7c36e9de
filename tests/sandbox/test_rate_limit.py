"""The rate limit: an exact sliding log of 5 requests per 5 seconds per credential pair."""

import time

import pytest

from .api import Api


@pytest.fixture
def strict(sandbox_server, account):
    """The test's account at the real limit, 5 requests per 5 seconds."""
    sandbox_server.set_rate(5, 5.0, app_id=account["app_id"])
    return Api.for_account(sandbox_server.base_url, account)


def test_the_sixth_request_inside_five_seconds_gets_429_with_headers(sandbox_server, strict):
    strict.authenticate()  # the token request is the first of the five
    answers = [strict.get("/contacts") for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert [r.headers["RateLimit-Remaining"] for r in answers[:4]] == ["3", "2", "1", "0"]
    refused = answers[-1]
    assert refused.headers["RateLimit-Limit"] == "5"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 1 <= int(refused.headers["Retry-After"]) <= 5
    assert 1 <= int(refused.headers["RateLimit-Reset"]) <= 5
    assert refused.json() == {
        "errors": [{"detail": "Rate limit exceeded. Maximum 5 requests per 5 seconds."}]
    }
    stats = sandbox_server.stats()["accounts"][strict.app_id]
    assert stats["requests"] == 5
    assert stats["over_limit"] == 1
    assert stats["by_status"] == {"200": 5, "429": 1}


def test_a_slot_frees_when_the_oldest_request_leaves_the_window(strict):
    started = time.monotonic()
    strict.authenticate()
    for _ in range(4):
        assert strict.get("/contacts").status_code == 200
    refused = strict.get("/contacts")
    assert refused.status_code == 429
    time.sleep(max(0.0, started + 5.05 - time.monotonic()))
    assert strict.get("/contacts").status_code == 200


def test_paced_requests_never_get_429(strict):
    strict.authenticate()
    statuses = []
    for _ in range(7):
        time.sleep(1.01)
        statuses.append(strict.get("/contacts").status_code)
    assert statuses == [200] * 7


def test_accounts_have_separate_budgets(sandbox_server, strict):
    other_account = sandbox_server.create_account("Otra S.L.", seed="empty")
    sandbox_server.set_rate(5, 5.0, app_id=other_account["app_id"])
    other = Api.for_account(sandbox_server.base_url, other_account)
    strict.authenticate()
    for _ in range(4):
        strict.get("/contacts")
    assert strict.get("/contacts").status_code == 429
    assert other.get("/contacts").status_code == 200


def test_refused_credentials_do_not_consume_the_budget(sandbox_server, strict):
    for _ in range(6):
        assert strict.get("/contacts", token="bad-token").status_code == 401
    strict.authenticate()
    assert strict.get("/contacts").status_code == 200
    assert sandbox_server.stats()["accounts"][strict.app_id]["requests"] == 2


def test_the_limit_can_be_changed_at_run_time(sandbox_server, strict):
    sandbox_server.set_rate(2, 5.0, app_id=strict.app_id)
    strict.authenticate()
    assert strict.get("/contacts").status_code == 200
    refused = strict.get("/contacts")
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["detail"] == "Rate limit exceeded. Maximum 2 requests per 5 seconds."
