"""The only code in the portal that speaks HTTP to Quipu.

A ``QuipuClient`` is built per use (a page view, a job) from a connection's credentials and reused
for its lifetime: one requests session, one shared token, one shared rate budget. The sessions of one
process share one pool of kept-alive connections (``_process_adapter``), so a page view does not pay
for a new TCP (and TLS) connection to Quipu each time.

Do not call it inside ``transaction.atomic()``: on the embedded stack the budget's row lock (and
SQLite's write lock) would then be held for the whole HTTP call and every other process would wait.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Self, TypedDict, Unpack
from urllib.parse import urlsplit, urlunsplit

import requests
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error, TokenExpiredError
from oauthlib.oauth2.rfc6749.errors import MissingTokenError, MissingTokenTypeError
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from . import deadline, jsonapi
from .auth import AccessToken, TokenManager, token_lifetime
from .budget import SharedRateBudget
from .config import ClientSettings, QuipuCredentials, RateLimit
from .errors import (
    SLOW_MESSAGE,
    QuipuAuthError,
    QuipuError,
    QuipuMalformedResponseError,
    QuipuUnavailableError,
    error_for_response,
)
from .records import Attachment, Record, RecordInput
from .refdata import invalidate_reference_data
from .resources import REFERENCE_RESOURCES, resource_spec
from .retry import RetryPolicy, request_never_left, retry_delay

logger = logging.getLogger(__name__)

API_MEDIA_TYPE = "application/vnd.quipu.v1+json"
TOKEN_PATH = "/oauth/token"
TOKEN_SCOPE = "ecommerce"
# A page view does not start a call it has less time than this left for.
MIN_ATTEMPT_SECONDS = 0.25
# Kept-alive connections per Quipu host in one process (a gunicorn worker's threads, a job's reader).
POOL_CONNECTIONS_PER_HOST = 16


class _ClosedOnExit:
    """A ``with`` block closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class Priority(enum.Enum):
    INTERACTIVE = "interactive"  # a person is waiting for a page: goes first, refuses long waits
    BACKGROUND = "background"  # jobs: paced at the full limit, booked only just ahead of page views


@dataclass(frozen=True)
class Page:
    records: tuple[Record, ...]
    current_page: int
    total_pages: int
    total_results: int

    @property
    def has_next(self) -> bool:
        return self.current_page < self.total_pages


class DownloadedFile(_ClosedOnExit):
    """A streamed download (a PDF): read it with ``iter_content`` and close it (or use ``with``)."""

    def __init__(self, response: requests.Response):
        self._response = response
        self.content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        length = response.headers.get("Content-Length")
        self.length = int(length) if length and length.isdigit() else None
        self.filename = _filename(response.headers.get("Content-Disposition") or "")

    def iter_content(self, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """The body in chunks; QuipuUnavailableError when it stops short of its Content-Length."""
        received = 0
        try:
            for chunk in self._response.iter_content(chunk_size):
                received += len(chunk)
                yield chunk
        except requests.RequestException as exc:
            raise QuipuUnavailableError(f"Download interrupted: {type(exc).__name__}") from exc
        finally:
            self._response.close()
        # urllib3 checks this too; a compressed body is counted after decoding, so it cannot be compared.
        encoded = self._response.headers.get("Content-Encoding", "identity").lower() != "identity"
        if self.length is not None and not encoded and received < self.length:
            raise QuipuUnavailableError(f"Download interrupted after {received} of {self.length} bytes")

    def read(self) -> bytes:
        return b"".join(self.iter_content())

    def close(self) -> None:
        self._response.close()


def _filename(disposition: str) -> str | None:
    for part in disposition.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "filename" and value:
            return value.strip('"')
    return None


class ListQuery(TypedDict, total=False):
    """What a listing asks for besides its page: ``filters``, ``sort`` and ``include``."""

    filters: dict | None
    sort: list[str] | None
    include: list[str] | None


class _ProcessAdapter(HTTPAdapter):
    """The connection pool every client of this process sends through: closing a client (its
    session) leaves the pool's kept-alive connections open for the next one."""

    def close(self) -> None:
        pass


_adapter_lock = threading.Lock()
_adapter: tuple[int, HTTPAdapter] | None = None


def _process_adapter() -> HTTPAdapter:
    """This process's pool; a forked child (a django-q worker, a gunicorn worker) makes its own, never
    sending on the sockets its parent opened."""
    global _adapter
    with _adapter_lock:
        if _adapter is None or _adapter[0] != os.getpid():
            pool = _ProcessAdapter(pool_connections=8, pool_maxsize=POOL_CONNECTIONS_PER_HOST)
            _adapter = (os.getpid(), pool)
        return _adapter[1]


class _TokenEndpointError(Exception):
    def __init__(self, response: requests.Response):
        super().__init__(response.status_code)
        self.response = response


class QuipuClient(_ClosedOnExit):
    def __init__(
        self,
        credentials: QuipuCredentials,
        *,
        priority: Priority = Priority.INTERACTIVE,
        rate_limit: RateLimit | None = None,
        retry_policy: RetryPolicy | None = None,
        budget_store=None,
    ):
        credentials.check_transport()
        credentials.check_allowed()
        if credentials.base_url.startswith("http://"):
            # Only reached for a loopback sandbox with QUIPU_ALLOW_INSECURE_LOOPBACK (test and local
            # settings): oauthlib reads this variable for each request. Production refuses http above.
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
        self.credentials = credentials
        self.priority = priority
        self.settings = ClientSettings.from_settings(rate_limit)
        self.retry_policy = retry_policy or RetryPolicy()
        self.budget = SharedRateBudget(credentials.key, self.settings.rate_limit, store=budget_store)
        self.session = OAuth2Session(client=BackendApplicationClient(client_id=credentials.app_id))
        for prefix in ("https://", "http://"):
            self.session.mount(prefix, _process_adapter())
        self.session.headers["Accept"] = API_MEDIA_TYPE
        self.session.register_compliance_hook("access_token_response", self._check_token_response)
        self.tokens = TokenManager(credentials, self._fetch_token)
        self.last_wait_seconds = 0.0
        self._wait = 0.0

    def __repr__(self) -> str:
        return (
            f"<QuipuClient {self.credentials.base_url} app_id={self.credentials.app_id} {self.priority.name}>"
        )

    def close(self) -> None:
        self.session.close()

    # Resources ------------------------------------------------------------------------------

    def list(
        self, resource: str, *, page: int = 1, page_size: int | None = None, **query: Unpack[ListQuery]
    ) -> Page:
        spec = resource_spec(resource)
        params = list_params(page=page, page_size=page_size, **query)
        doc = self._json("GET", spec.path, params=params)
        records, pagination = jsonapi.parse_collection(doc)
        return Page(tuple(records), pagination.current_page, pagination.total_pages, pagination.total_results)

    def iterate(self, resource: str, *, page_size: int = 100, **query: Unpack[ListQuery]) -> Iterator[Record]:
        """Every record of every page, fetching each page when the previous one is used up."""
        number = 1
        while True:
            page = self.list(resource, page=number, page_size=page_size, **query)
            yield from page.records
            if not page.records or number >= page.total_pages:
                return
            number += 1

    def retrieve(self, resource: str, id: str, *, include: list[str] | None = None) -> Record:
        spec = resource_spec(resource)
        params = {"include": ",".join(include)} if include else None
        return jsonapi.parse_single(self._json("GET", f"{spec.path}/{id}", params=params))

    def create(self, resource: str, payload_input: RecordInput) -> Record:
        spec = resource_spec(resource)
        body = jsonapi.build_payload(spec, payload_input)
        params = {"include": "items"} if spec.has_items else None
        record = jsonapi.parse_single(self._json("POST", spec.path, params=params, body=body))
        self._after_write(spec.name)
        return record

    def update(self, resource: str, id: str, payload_input: RecordInput) -> Record:
        spec = resource_spec(resource)
        body = jsonapi.build_payload(spec, payload_input, id=id)
        params = {"include": "items"} if spec.has_items else None
        record = jsonapi.parse_single(self._json("PATCH", f"{spec.path}/{id}", params=params, body=body))
        self._after_write(spec.name)
        return record

    def delete(self, resource: str, id: str) -> None:
        spec = resource_spec(resource)
        response = self._request("DELETE", f"{spec.path}/{id}")
        response.close()
        self._after_write(spec.name)

    def download(self, url_or_path: str) -> DownloadedFile:
        """Stream a file the API links to (``download_pdf_url``) with this connection's token."""
        return DownloadedFile(self._request("GET", self._same_origin(url_or_path), stream=True, accept="*/*"))

    def upload_attachment(
        self, *, book_entry_id: str, filename: str, content: bytes, content_type: str
    ) -> Attachment:
        response = self._request(
            "POST",
            "attachments",
            files={"file": (filename, content, content_type)},
            data={"book_entry_id": str(book_entry_id)},
        )
        record = jsonapi.parse_single(self._decode(response))
        if not isinstance(record, Attachment):
            raise QuipuMalformedResponseError(f"Expected an attachment, got {record.type}")
        return record

    # HTTP -----------------------------------------------------------------------------------

    def _after_write(self, resource: str) -> None:
        if resource in REFERENCE_RESOURCES:
            invalidate_reference_data(self)

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.credentials.base_url}/{path.lstrip('/')}"

    def _same_origin(self, url_or_path: str) -> str:
        """Our token only goes to the connection's own origin: a link to another host is re-based."""
        url = self._url(url_or_path)
        target, base = urlsplit(url), urlsplit(self.credentials.base_url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            logger.warning("Quipu link to another origin %s re-based on the connection's URL", target.netloc)
            url = urlunsplit((base.scheme, base.netloc, target.path, target.query, ""))
        return url

    def _json(self, method: str, path: str, *, params=None, body=None) -> Any:
        response = self._request(method, path, params=params, body=body)
        return self._decode(response)

    @staticmethod
    def _decode(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise QuipuMalformedResponseError(
                f"{response.request.method} {urlsplit(response.url).path}: the answer is not JSON"
            ) from None

    def _acquire(self, method: str, path: str, *, maybe_applied: bool = False) -> None:
        background = self.priority is Priority.BACKGROUND
        max_wait = None if background else self.settings.page_wait_limit
        left = self._time_left(method, path, maybe_applied=maybe_applied)
        if left is not None:
            max_wait = min(max_wait, left - MIN_ATTEMPT_SECONDS)
        self._wait += self.budget.acquire(background=background, max_wait=max_wait)

    def _time_left(self, method: str, path: str, *, maybe_applied: bool = False) -> float | None:
        """What is left of the page view's time for Quipu (None: no deadline); gives up when too little."""
        if self.priority is not Priority.INTERACTIVE:
            return None
        left = deadline.seconds_left()
        if left is not None and left < MIN_ATTEMPT_SECONDS:
            raise QuipuUnavailableError(
                f"{method} {path}: the page's time for Quipu is used up",
                may_have_been_applied=method != "GET" and maybe_applied,
                message=SLOW_MESSAGE,
            )
        return left

    def _timeout(self, method: str, path: str) -> tuple[float, float]:
        """(connect, read) timeouts: the configured one, or less when the page's time runs out first."""
        left = self._time_left(method, path)
        read = self.settings.timeout if left is None else min(self.settings.timeout, left)
        return (min(5.0, read), read)

    def _delay_fits(self, delay: float | None) -> float | None:
        """The retry delay, or None when the page's time would run out before the next attempt."""
        if delay is None or self.priority is not Priority.INTERACTIVE:
            return delay
        left = deadline.seconds_left()
        if left is not None and delay + MIN_ATTEMPT_SECONDS > left:
            return None
        return delay

    def _log(self, method: str, url: str, status: Any, started: float, attempt: int, wait: float) -> None:
        logger.info(
            "quipu %s %s -> %s in %.0f ms (rate wait %.2f s, attempt %d, %s)",
            method,
            urlsplit(url).path,
            status,
            (time.monotonic() - started) * 1000,
            wait,
            attempt,
            self.priority.value,
        )

    def _request(
        self,
        method: str,
        path: str,
        *,
        params=None,
        body=None,
        files=None,
        data=None,
        stream: bool = False,
        accept: str = API_MEDIA_TYPE,
    ) -> requests.Response:
        """Send one API request with pacing, token handling and retries; return a 2xx response."""
        url = self._url(path)
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = API_MEDIA_TYPE
            data = json.dumps(body)
        self._wait = 0.0
        attempt = 0
        token_renewed = False
        maybe_applied = False
        try:
            while True:
                attempt += 1
                token = self.tokens.current()
                self.session.token = token.as_oauthlib()
                wait_before = self._wait
                self._acquire(method, path, maybe_applied=maybe_applied)
                started = time.monotonic()
                try:
                    response = self.session.request(
                        method,
                        url,
                        params=params,
                        data=data,
                        files=files,
                        headers=headers,
                        timeout=self._timeout(method, path),
                        stream=stream,
                    )
                except TokenExpiredError:
                    self.tokens.forget()
                    if attempt >= self.retry_policy.max_attempts:
                        raise QuipuAuthError("The access token keeps expiring before use") from None
                    continue
                except (requests.ConnectionError, requests.Timeout) as exc:
                    self._log(method, url, type(exc).__name__, started, attempt, self._wait - wait_before)
                    maybe_applied = maybe_applied or not request_never_left(exc)
                    delay = retry_delay(method=method, attempt=attempt, error=exc, policy=self.retry_policy)
                    if self._delay_fits(delay) is None:
                        raise QuipuUnavailableError(
                            f"{method} {urlsplit(url).path}: {type(exc).__name__}",
                            may_have_been_applied=method != "GET" and maybe_applied,
                            message=SLOW_MESSAGE if isinstance(exc, requests.Timeout) else None,
                        ) from exc
                    time.sleep(delay)
                    continue
                status = response.status_code
                self._log(method, url, status, started, attempt, self._wait - wait_before)
                self.budget.observe(status, response.headers)
                if status == 401 and not token_renewed:
                    token_renewed = True
                    response.close()
                    self.tokens.renew(stale=token)
                    continue
                if status == 404 and method == "DELETE" and maybe_applied:
                    return response  # an earlier attempt that got no answer did delete it
                if status < 400:
                    return response
                delay = self._delay_fits(
                    retry_delay(method=method, attempt=attempt, status=status, policy=self.retry_policy)
                )
                if delay is not None:
                    response.close()
                    time.sleep(delay)
                    continue
                if maybe_applied and (status == 429 or status >= 500):
                    # This attempt did nothing, but an earlier one got no answer: it may have been applied.
                    response.close()
                    raise QuipuUnavailableError(
                        f"{method} {urlsplit(url).path}: HTTP {status} after an attempt without an answer",
                        status=status,
                        may_have_been_applied=True,
                    )
                raise self._error(response)
        finally:
            self.last_wait_seconds = self._wait

    @staticmethod
    def _error(response: requests.Response) -> QuipuError:
        try:
            body = response.json()
        except ValueError:
            body = None
        finally:
            response.close()
        return error_for_response(response.status_code, body, dict(response.headers))

    # Token ----------------------------------------------------------------------------------

    def _check_token_response(self, response: requests.Response) -> requests.Response:
        if response.status_code != 200:
            raise _TokenEndpointError(response)
        return response

    def _fetch_token(self) -> AccessToken:
        """POST /oauth/token with HTTP Basic client auth; paced and retried like any other call."""
        url = self._url(TOKEN_PATH)
        attempt = 0
        while True:
            attempt += 1
            wait_before = self._wait
            self._acquire("POST", TOKEN_PATH)
            started = time.monotonic()
            status: Any = 200
            try:
                self.session.fetch_token(
                    url,
                    auth=HTTPBasicAuth(self.credentials.app_id, self.credentials.app_secret),
                    scope=[TOKEN_SCOPE],
                    include_client_id=False,
                    timeout=self._timeout("POST", TOKEN_PATH),
                )
            except _TokenEndpointError as exc:
                response = exc.response
                status = response.status_code
                self._log("POST", url, status, started, attempt, self._wait - wait_before)
                self.budget.observe(status, response.headers)
                delay = self._delay_fits(
                    retry_delay(method="GET", attempt=attempt, status=status, policy=self.retry_policy)
                )
                if delay is not None:
                    time.sleep(delay)
                    continue
                if status in (400, 401, 403):
                    try:
                        body = response.json()
                    except ValueError:
                        body = {}
                    detail = (
                        body.get("error_description") or body.get("error") if isinstance(body, dict) else ""
                    )
                    raise QuipuAuthError(str(detail or "Token request refused"), status=status) from None
                raise self._error(response) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._log("POST", url, type(exc).__name__, started, attempt, self._wait - wait_before)
                # Asking for a token twice creates nothing: safe to repeat.
                delay = self._delay_fits(
                    retry_delay(method="GET", attempt=attempt, error=exc, policy=self.retry_policy)
                )
                if delay is None:
                    raise QuipuUnavailableError(
                        f"POST {TOKEN_PATH}: {type(exc).__name__}",
                        message=SLOW_MESSAGE if isinstance(exc, requests.Timeout) else None,
                    ) from exc
                time.sleep(delay)
                continue
            except Warning as warning:  # oauthlib: "Scope has changed"; the token is still good
                raw = getattr(warning, "token", None) or {}
                return self._token_from(raw)
            except (MissingTokenError, MissingTokenTypeError):
                raise QuipuMalformedResponseError("The token answer has no bearer access token") from None
            except OAuth2Error as exc:
                raise QuipuAuthError(exc.description or exc.error, status=exc.status_code) from None
            except ValueError:
                raise QuipuMalformedResponseError("The token answer is not JSON") from None
            self._log("POST", url, status, started, attempt, self._wait - wait_before)
            return self._token_from(dict(self.session.token))

    @staticmethod
    def _token_from(raw: dict) -> AccessToken:
        token_type = str(raw.get("token_type") or "").lower()
        if not raw.get("access_token") or token_type != "bearer":
            raise QuipuMalformedResponseError("The token answer has no bearer access token")
        return AccessToken(
            access_token=str(raw["access_token"]), expires_at=time.time() + token_lifetime(raw)
        )


def list_params(
    *,
    filters: dict | None = None,
    sort: list[str] | None = None,
    include: list[str] | None = None,
    page: int = 1,
    page_size: int | None = None,
) -> dict[str, str]:
    """``filter[name]=value`` (nested dicts as ``filter[period][from]``), ``sort``, ``include`` and
    ``page[number]``/``page[size]``. Lists become comma-separated values."""
    params: dict[str, str] = {}

    def add(prefix: str, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                add(f"{prefix}[{key}]", inner)
        elif isinstance(value, list | tuple | set):
            params[prefix] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            params[prefix] = "true" if value else "false"
        else:
            params[prefix] = str(value)

    for name, value in (filters or {}).items():
        add(f"filter[{name}]", value)
    if sort:
        params["sort"] = ",".join(sort)
    if include:
        params["include"] = ",".join(include)
    if page and page != 1:
        params["page[number]"] = str(page)
    if page_size:
        params["page[size]"] = str(page_size)
    return params
