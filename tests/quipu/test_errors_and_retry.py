import random

import pytest
import requests
from urllib3.exceptions import NewConnectionError

from quipu_portal.quipu import headers
from quipu_portal.quipu.config import QuipuCredentials, RateLimit
from quipu_portal.quipu.errors import (
    FieldError,
    QuipuAuthError,
    QuipuError,
    QuipuForbiddenError,
    QuipuNotFoundError,
    QuipuRateLimitedError,
    QuipuServerError,
    QuipuUnavailableError,
    QuipuValidationError,
    error_for_response,
    field_error_from,
)
from quipu_portal.quipu.retry import RetryPolicy, retry_delay


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/data/attributes/name", FieldError("name", "x", None, None, "/data/attributes/name")),
        (
            "/data/relationships/contact",
            FieldError("contact", "x", None, None, "/data/relationships/contact"),
        ),
        (
            "/data/relationships/contact/data",
            FieldError("contact", "x", None, None, "/data/relationships/contact/data"),
        ),
        (
            "/data/relationships/items/data/2/attributes/concept",
            FieldError("items", "x", 2, "concept", "/data/relationships/items/data/2/attributes/concept"),
        ),
        (
            "/data/relationships/items/data/0/relationships/accounting_category",
            FieldError(
                "items",
                "x",
                0,
                "accounting_category",
                "/data/relationships/items/data/0/relationships/accounting_category",
            ),
        ),
        (
            "/data/relationships/items/data/1",
            FieldError("items", "x", 1, None, "/data/relationships/items/data/1"),
        ),
        ("/data", FieldError(None, "x", None, None, "/data")),
        (None, FieldError(None, "x", None, None, None)),
    ],
)
def test_pointers_map_to_attribute_relationship_or_item_field(pointer, expected):
    assert field_error_from("x", pointer) == expected


def test_validation_error_carries_every_field_error():
    body = {
        "errors": [
            {"detail": "Can not be blank.", "source": {"pointer": "/data/attributes/name"}},
            {"detail": "Iban not valid", "source": {"pointer": "/data/attributes/bank_account_number"}},
        ]
    }
    error = error_for_response(422, body)
    assert isinstance(error, QuipuValidationError)
    assert [(e.field, e.detail) for e in error.field_errors] == [
        ("name", "Can not be blank."),
        ("bank_account_number", "Iban not valid"),
    ]
    assert error.for_field("name")[0].detail == "Can not be blank."
    assert str(error.message)  # something a page can show


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, QuipuAuthError),
        (403, QuipuForbiddenError),
        (404, QuipuNotFoundError),
        (429, QuipuRateLimitedError),
        (400, QuipuValidationError),
        (422, QuipuValidationError),
        (500, QuipuServerError),
        (502, QuipuUnavailableError),
        (503, QuipuUnavailableError),
        (504, QuipuUnavailableError),
        (418, QuipuError),
    ],
)
def test_each_status_maps_to_one_error_type(status, cls):
    error = error_for_response(status, {"errors": [{"detail": "Nope"}]}, {"Retry-After": "3"})
    assert type(error) is cls
    assert error.status == status


def test_forbidden_keeps_quipus_reason_and_rate_limited_the_wait():
    forbidden = error_for_response(403, {"errors": [{"detail": "Contact has documents"}]})
    assert forbidden.reason == "Contact has documents"
    limited = error_for_response(
        429, {"errors": [{"detail": "Rate limit exceeded"}]}, {"RateLimit-Reset": "4"}
    )
    assert limited.retry_after == 4


def test_retry_after_reads_seconds_http_dates_and_reset_headers():
    now = 1_700_000_000.0
    assert headers.retry_after_seconds({"Retry-After": "2"}, now=now) == 2
    assert headers.retry_after_seconds(
        {"Retry-After": "Tue, 14 Nov 2023 22:13:25 GMT"}, now=now
    ) == pytest.approx(5)
    assert headers.retry_after_seconds({"RateLimit-Reset": "3"}, now=now) == 3
    assert headers.retry_after_seconds({"X-RateLimit-Reset": str(now + 7)}, now=now) == 7
    assert headers.retry_after_seconds({"RateLimit": '"default";r=0;t=4'}, now=now) == 4
    assert headers.retry_after_seconds({}, now=now) is None
    assert headers.remaining({"RateLimit-Remaining": "0"}) == 0


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_gets_are_retried_on_rate_limit_and_gateway_errors(status):
    assert retry_delay(method="GET", attempt=1, status=status) is not None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 500])
def test_errors_that_will_not_change_are_not_retried(status):
    assert retry_delay(method="GET", attempt=1, status=status) is None


def test_a_post_is_repeated_only_when_quipu_certainly_did_not_process_it():
    assert retry_delay(method="POST", attempt=1, status=429) is not None
    assert retry_delay(method="POST", attempt=1, status=503) is None
    assert retry_delay(method="POST", attempt=1, error=requests.ReadTimeout()) is None
    assert retry_delay(method="POST", attempt=1, error=requests.ConnectionError("Connection aborted")) is None
    refused = requests.ConnectionError(NewConnectionError(None, "refused"))
    assert retry_delay(method="POST", attempt=1, error=refused) is not None
    assert retry_delay(method="POST", attempt=1, error=requests.ConnectTimeout()) is not None
    assert retry_delay(method="PATCH", attempt=1, error=requests.ReadTimeout()) is not None


def test_backoff_grows_is_capped_jittered_and_stops_after_the_last_attempt():
    policy = RetryPolicy(max_attempts=6, base_delay=0.5, max_delay=2.0)
    rng = random.Random(1)
    delays = [retry_delay(method="GET", attempt=n, status=503, policy=policy, rng=rng) for n in range(1, 6)]
    assert 0.25 <= delays[0] <= 0.5
    assert 0.5 <= delays[1] <= 1.0
    assert all(1.0 <= d <= 2.0 for d in delays[2:])
    assert len(set(delays)) == len(delays)
    assert retry_delay(method="GET", attempt=6, status=503, policy=policy) is None


def test_credentials_never_show_the_secret_and_their_key_does_not_depend_on_it():
    a = QuipuCredentials("https://getquipu.com/", "app", "s3cret-value")
    b = QuipuCredentials("https://getquipu.com", "app", "another-secret")
    assert "s3cret" not in repr(a)
    assert a.base_url == "https://getquipu.com"
    assert a.key == b.key
    assert "s3cret" not in a.key


def test_rate_limit_is_parsed_from_the_setting_format():
    assert RateLimit.parse("5/5s") == RateLimit(5, 5.0)
    assert RateLimit.parse("1000/5") == RateLimit(1000, 5.0)
    assert RateLimit.parse("5/5s").interval == 1.0
