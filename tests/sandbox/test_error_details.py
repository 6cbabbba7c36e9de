"""Error answers as BEHAVIOUR.md describes them: canned details, no charset, and 404 for unknown paths."""

import pytest

API_TYPE = "application/vnd.quipu.v1+json"


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/no_such_resource"),
        ("GET", "/invoices/1/no_such_action"),
        ("POST", "/accounting_categories"),
        ("GET", "/invoices/999999999"),
    ],
)
def test_an_unknown_path_or_record_with_a_valid_token_is_record_not_found(demo_api, method, path):
    response = demo_api.request(method, path)

    assert response.status_code == 404
    assert response.json() == {"errors": [{"detail": "Record not found"}]}


@pytest.mark.parametrize(
    "params",
    [
        {"filter[contact_id]": "abc"},
        {"filter[period]": "someday"},
        {"filter[kind]": "both"},
        {"sort": "colour"},
        {"page[size]": "500"},
    ],
)
def test_a_bad_request_starts_with_the_canned_detail_and_says_what_was_wrong(demo_api, params):
    response = demo_api.get("/book_entries", params=params)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 1 and set(errors[0]) == {"detail"}  # no source, status, title or code
    assert errors[0]["detail"].startswith("Bad request: ") and len(errors[0]["detail"]) > len("Bad request: ")


@pytest.mark.parametrize(
    "path, status", [("/contacts", 200), ("/nowhere", 404), ("/book_entries?sort=x", 400)]
)
def test_answers_carry_quipus_media_type_without_a_charset(demo_api, path, status):
    response = demo_api.get(path)

    assert response.status_code == status
    assert response.headers["Content-Type"] == API_TYPE


def test_the_token_answer_is_plain_json(demo_api):
    assert demo_api.fetch_token().headers["Content-Type"] == "application/json"
