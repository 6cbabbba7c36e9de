"""A small HTTP client for the sandbox tests: every response it receives is checked against openapi.yaml."""

import json
from urllib.parse import urlsplit

import requests

from . import schemas

API_TYPE = "application/vnd.quipu.v1+json"
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def check_response(method: str, path: str, response: requests.Response) -> None:
    """Status-independent contract checks plus schema validation of the JSON body."""
    content_type = response.headers.get("Content-Type", "").split(";")[0]
    if response.status_code == 204:
        assert response.content == b""
        return
    if content_type == "application/pdf":
        assert response.content.startswith(b"%PDF-")
        return
    if path.startswith("/uploads/") and response.status_code == 200:
        return  # an attachment's file, served as uploaded
    assert content_type in (API_TYPE, "application/json"), f"unexpected content type {content_type!r}"
    body = response.json()
    schema = schemas.response_schema(method, path, response.status_code)
    assert schema is not None, f"openapi.yaml has no schema for {method} {path} -> {response.status_code}"
    schemas.validate(body, schema)


class Api:
    def __init__(self, base_url: str, app_id: str, app_secret: str, slug: str | None = None):
        self.base_url = base_url
        self.app_id = app_id
        self.app_secret = app_secret
        self.slug = slug
        self.session = requests.Session()
        self._token: str | None = None

    @classmethod
    def for_account(cls, base_url: str, account: dict) -> "Api":
        return cls(base_url, account["app_id"], account["app_secret"], account["slug"])

    # ── auth ─────────────────────────────────────────────────────────────
    def fetch_token(self, **overrides) -> requests.Response:
        data = {"grant_type": "client_credentials", "scope": "ecommerce", **overrides}
        data = {k: v for k, v in data.items() if v is not None}
        response = self.session.post(
            f"{self.base_url}/oauth/token",
            auth=(self.app_id, self.app_secret),
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
            timeout=30,
        )
        check_response("POST", "/oauth/token", response)
        return response

    @property
    def token(self) -> str:
        if self._token is None:
            response = self.fetch_token()
            assert response.status_code == 200, response.text
            self._token = response.json()["access_token"]
        return self._token

    def authenticate(self) -> str:
        """Fetch the token now (it is one request against the rate budget)."""
        return self.token

    def forget_token(self) -> None:
        self._token = None

    # ── requests ─────────────────────────────────────────────────────────
    def request(
        self,
        method: str,
        path: str,
        *,
        params=None,
        body=None,
        files=None,
        data=None,
        token=...,
        headers=None,
    ):
        all_headers = {"Accept": API_TYPE, **(headers or {})}
        bearer = self.token if token is ... else token
        if bearer is not None:
            all_headers["Authorization"] = f"Bearer {bearer}"
        payload = None
        if body is not None:
            all_headers.setdefault("Content-Type", API_TYPE)
            payload = json.dumps(body)
        response = self.session.request(
            method,
            f"{self.base_url}{path}",
            params=params,
            data=payload if payload is not None else data,
            files=files,
            headers=all_headers,
            timeout=60,
        )
        check_response(method, path, response)
        for header in RATE_HEADERS:
            assert header in response.headers, f"{header} missing on {method} {path}"
        return response

    def fetch(self, url: str, *, token=None) -> requests.Response:
        """GET an absolute url the API handed out (PDF links, attachment files), checked like any answer."""
        headers = {"Authorization": f"Bearer {self.token if token is ... else token}"} if token else {}
        response = self.session.get(url, headers=headers, timeout=60)
        check_response("GET", urlsplit(url).path, response)
        if token:
            for header in RATE_HEADERS:
                assert header in response.headers, f"{header} missing on GET {url}"
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body=body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("PATCH", path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    # ── conveniences ─────────────────────────────────────────────────────
    def data(self, path, **kwargs):
        response = self.get(path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def all(self, path, params=None) -> list[dict]:
        """Every record of a collection, following page[number] up to total_pages."""
        records, page = [], 1
        while True:
            response = self.get(path, params={**(params or {}), "page[number]": page, "page[size]": 100})
            assert response.status_code == 200, response.text
            body = response.json()
            records += body["data"]
            if page >= body["meta"]["pagination_info"]["total_pages"]:
                return records
            page += 1


def errors_by_pointer(response: requests.Response) -> dict[str, str]:
    return {e.get("source", {}).get("pointer"): e["detail"] for e in response.json()["errors"]}
