"""OAuth2 client credentials: the token endpoint's answers, token use and expiry."""

import base64

import requests

from .api import Api, check_response


def test_token_answers_like_the_docs(api):
    response = api.fetch_token()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["token_type"].lower() == "bearer"
    assert body["expires_in"] == 7200
    assert body["scope"] == "ecommerce"
    assert isinstance(body["created_at"], int)
    assert len(body["access_token"]) >= 32


def test_token_without_scope_is_invalid_scope_with_status_code_401_in_the_body(api):
    response = api.fetch_token(scope=None)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_scope",
        "error_description": "The requested scope is invalid, unknown, or malformed.",
        "status_code": 401,
    }


def test_token_with_wrong_grant_type_is_refused(api):
    response = api.fetch_token(grant_type="password")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_with_bad_secret_is_invalid_client(sandbox_server, account):
    wrong = Api(sandbox_server.base_url, account["app_id"], "not-the-secret")
    response = wrong.fetch_token()
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed.",
        "status_code": 401,
    }


def test_token_accepts_url_safe_base64_and_multipart_bodies(sandbox_server, account):
    credentials = f"{account['app_id']}:{account['app_secret']}".encode()
    response = requests.post(
        f"{sandbox_server.base_url}/oauth/token",
        headers={"Authorization": "Basic " + base64.urlsafe_b64encode(credentials).decode()},
        files={"grant_type": (None, "client_credentials"), "scope": (None, "ecommerce")},
        timeout=10,
    )
    check_response("POST", "/oauth/token", response)
    assert response.status_code == 200


def test_missing_unknown_and_expired_tokens_get_401_json(sandbox_server, api):
    assert api.get("/contacts", token=None).status_code == 401
    unknown = api.get("/contacts", token="0" * 64)
    assert unknown.status_code == 401
    assert unknown.json() == {"errors": [{"detail": "Not authorized"}]}
    assert api.get("/contacts").status_code == 200
    sandbox_server.expire_tokens(api.app_id)
    expired = api.get("/contacts")
    assert expired.status_code == 401
    assert expired.json() == {"errors": [{"detail": "Not authorized"}]}
    api.forget_token()
    assert api.get("/contacts").status_code == 200


def test_expiring_one_account_leaves_the_others_tokens_valid(sandbox_server, api, empty_api):
    api.authenticate()
    empty_api.authenticate()
    sandbox_server.expire_tokens(empty_api.app_id)
    assert api.get("/contacts").status_code == 200
    assert empty_api.get("/contacts").status_code == 401


def test_tokens_expire_after_their_lifetime(private_sandbox):
    account = private_sandbox.create_account("Reloj S.L.", seed="empty")
    client = Api.for_account(private_sandbox.base_url, account)
    assert client.get("/contacts").status_code == 200
    private_sandbox.advance_clock(7199)
    assert client.get("/contacts").status_code == 200
    private_sandbox.advance_clock(2)
    assert client.get("/contacts").status_code == 401


def test_token_lifetime_is_configurable():
    from quipu_portal.sandbox.testing import start_sandbox

    with start_sandbox(token_lifetime=60) as short:
        account = short.create_account("Corto S.L.", seed="empty")
        client = Api.for_account(short.base_url, account)
        assert client.fetch_token().json()["expires_in"] == 60
        assert client.get("/contacts").status_code == 200
        short.advance_clock(61)
        assert client.get("/contacts").status_code == 401


def test_a_token_only_reaches_its_own_accounts_data(sandbox_server, api, empty_api):
    contact_id = api.data("/contacts")[0]["id"]
    assert empty_api.get(f"/contacts/{contact_id}").status_code == 404


def test_slug_paths_serve_the_same_data_and_refuse_other_slugs(api, empty_api):
    root = api.get("/contacts").json()
    assert api.get(f"/{api.slug}/contacts").json() == root
    refused = api.get(f"/{empty_api.slug}/contacts")
    assert refused.status_code == 403
