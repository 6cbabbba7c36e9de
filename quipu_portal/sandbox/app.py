"""The sandbox as one WSGI application: OAuth2, routing, rate limit, faults and the control surface."""

import base64
import binascii
import json
import logging
import secrets
import threading
from collections import defaultdict
from http import HTTPStatus

from . import seed
from .config import DEFAULT_TOKEN_LIFETIME, FaultSettings
from .faults import FaultInjector
from .http import ApiError, BadRequest, DropConnection, Forbidden, NotFound, Request, Response
from .jsonapi import Renderer, ephemeral_token_is_valid
from .pdf import render_pdf, scan_jpeg
from .ratelimit import SlidingLogLimiter
from .resources import RESOURCES, Context
from .store import ID_SPACE, Store
from .uploads import file_variant

logger = logging.getLogger("quipu_sandbox")

WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
PDF_RESOURCES = {"invoices", "simplified_invoices", "tickets", "additional_incomes", "additional_income"}


def oauth_error(status: int, error: str, description: str) -> Response:
    payload = {"error": error, "error_description": description, "status_code": 401}
    return Response.json(status, payload, content_type="application/json")


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self._rows: dict[str, dict] = {}

    def record(self, app_id: str, status: int | str, *, served: bool, refused: bool) -> None:
        with self._lock:
            row = self._rows.setdefault(
                app_id, {"requests": 0, "over_limit": 0, "by_status": defaultdict(int)}
            )
            row["requests"] += served
            row["over_limit"] += refused
            row["by_status"][str(status)] += 1

    def snapshot(self, app_ids) -> dict:
        with self._lock:
            out = {}
            for app_id in app_ids:
                row = self._rows.get(app_id, {"requests": 0, "over_limit": 0, "by_status": {}})
                out[app_id] = {
                    "requests": row["requests"],
                    "over_limit": row["over_limit"],
                    "by_status": dict(row["by_status"]),
                }
            return {"accounts": out}


class SandboxApp:
    def __init__(
        self,
        store: Store,
        *,
        limit: int = 5,
        window: float = 5.0,
        token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
        faults: FaultSettings | None = None,
        scale: int = 1,
        pdf_kb: int = 0,
    ):
        self.store = store
        # A JPEG made once and placed in every PDF, so PDFs weigh what scanned invoices do.
        self.pdf_scan = scan_jpeg(pdf_kb * 1024) if pdf_kb else None
        self.limiter = SlidingLogLimiter(limit, window)
        self.token_lifetime = token_lifetime
        self.faults = FaultInjector(faults or FaultSettings())
        self.stats = Stats()
        self.scale = scale

    # ── WSGI ─────────────────────────────────────────────────────────────
    def __call__(self, environ, start_response):
        request = Request(environ)
        response = _answered(request, lambda: self.dispatch(request))
        phrase = (
            HTTPStatus(response.status).phrase
            if response.status in HTTPStatus._value2member_map_
            else "Error"
        )
        headers = list(response.headers) + [("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {phrase}", headers)
        if request.method == "HEAD":
            return [b""]
        if response.cut_at is not None:
            return _cut_body(response.body, response.cut_at)
        return [response.body]

    def dispatch(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        if path.startswith("/_sandbox/") or path == "/_sandbox":
            return self.control(request, path)
        if path == "/oauth/token":
            return self.token(request)
        if path.startswith("/uploads/"):
            return self.upload_file(path)
        segments = path.strip("/").split("/")
        slug = None
        if segments and segments[0] not in RESOURCES:
            slug = segments.pop(0)
        if not segments or segments[0] not in RESOURCES:
            return self.api(request, slug, None, segments)  # counted and answered 404, like any route
        resource_name, rest = segments[0], segments[1:]
        if len(rest) == 2 and rest[1] == "ephemeral_open_download" and request.method == "GET":
            return self.ephemeral_download(request, slug, resource_name, rest[0])
        return self.api(request, slug, resource_name, rest)

    # ── authenticated API ────────────────────────────────────────────────
    def api(self, request: Request, slug: str | None, resource_name: str, rest: list[str]) -> Response:
        account, token_app_id = self.authenticate(request)
        if account is None:
            response = Response.error(ApiError(401, "Not authorized"))
            decision = self.limiter.peek(token_app_id) if token_app_id else self.limiter.idle()
            response.headers += decision.headers()
            if token_app_id:
                self.stats.record(token_app_id, 401, served=False, refused=False)
            return response
        decision = self.limiter.hit(account.app_id)
        if not decision.allowed:
            return self.over_limit(account, decision)

        def carry_out() -> Response:
            response = self.faults.apply(
                account.app_id, lambda: self.store.expire_tokens(account.app_id), request
            )
            if response is None:
                if resource_name is not None and slug is not None and slug != account.slug:
                    raise Forbidden()
                response = self.handle(request, account, resource_name, rest)
                self.answer_faults(account.app_id, request, response)
            return response

        try:
            response = _answered(request, carry_out)
        except DropConnection as drop:
            self.stats.record(account.app_id, drop.reason, served=True, refused=False)
            raise
        response.headers += decision.headers()
        status = response.status if response.cut_at is None else "cut_pdf"
        self.stats.record(account.app_id, status, served=True, refused=False)
        return response

    def answer_faults(self, app_id: str, request: Request, response: Response) -> None:
        """A write carried out whose answer is lost; a PDF whose body stops half way."""
        if response.status >= 300:
            return
        if request.method in WRITE_METHODS and self.faults.strikes(app_id, "drop_after_write"):
            raise DropConnection("dropped_after_write")
        is_pdf = any(
            name == "Content-Type" and value == "application/pdf" for name, value in response.headers
        )
        if is_pdf and len(response.body) > 1 and self.faults.strikes(app_id, "cut_pdf"):
            response.cut_at = len(response.body) // 2

    def over_limit(self, account, decision) -> Response:
        limit, window = self.limiter.rule_for(account.app_id)
        detail = f"Rate limit exceeded. Maximum {limit} requests per {_seconds(window)} seconds."
        response = Response.error(ApiError(429, detail))
        response.headers += decision.headers()
        self.stats.record(account.app_id, 429, served=False, refused=True)
        return response

    def authenticate(self, request: Request):
        """(account, app_id of the token) — account None when the token is missing, unknown or expired."""
        header = request.header("Authorization")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, None
        with self.store.lock:
            token = self.store.tokens.get(value.strip())
            if token is None:
                return None, None
            account = self.store.accounts.get(token["app_id"])
            if account is None or token["expires_at"] <= self.store.now():
                return None, token["app_id"]
            return account, account.app_id

    def handle(self, request: Request, account, resource_name: str | None, rest: list[str]) -> Response:
        if resource_name is None:
            raise NotFound()
        resource = RESOURCES[resource_name]
        method = "PATCH" if request.method == "PUT" else request.method
        with self.store.lock:
            renderer = Renderer(
                self.store,
                account,
                request.base_url,
                detailed_amounts="with_detailed_amounts" in request.query,
            )
            ctx = Context(self.store, account, request, renderer)
            if (
                len(rest) == 2
                and rest[1] == "download"
                and method == "GET"
                and resource_name in PDF_RESOURCES
            ):
                return self.download(ctx, resource_name, rest[0])
            if len(rest) >= 1 and rest[-1] in ("bulk", "activate"):
                raise Forbidden()
            if resource_name == "tickets" and account.verifactu:
                raise Forbidden()  # Verifactu accounts use simplified invoices
            if not rest:
                action = {"GET": resource.list, "POST": resource.create}.get(method)
                response = action(ctx) if action else None
            elif len(rest) == 1:
                action = {"GET": resource.show, "PATCH": resource.update, "DELETE": resource.delete}.get(
                    method
                )
                response = action(ctx, rest[0]) if action else None
            else:
                response = None
            if response is None:
                raise NotFound()
            if method in WRITE_METHODS and response.status < 300:
                self.store.dirty = True
            return response

    # ── PDFs ─────────────────────────────────────────────────────────────
    def download(self, ctx: Context, resource_name: str, record_id: str) -> Response:
        entry = RESOURCES[resource_name].find(ctx, record_id)
        if entry["kind"] != "income" or entry["type"] == "additional_incomes":
            raise NotFound()
        return self.pdf_response(ctx.account, entry)

    def ephemeral_download(self, request: Request, slug, resource_name: str, record_id: str) -> Response:
        token = request.query.get("token", "")
        with self.store.lock:
            try:
                doc_id = int(record_id)
            except ValueError:
                raise NotFound() from None
            account = self.account_by_index(doc_id // ID_SPACE)
            entry = account.entries.get(doc_id) if account else None
            if (
                entry is None
                or (slug is not None and slug != account.slug)
                or resource_name.startswith("additional_income")
                or entry["kind"] != "income"
                or not ephemeral_token_is_valid(self.store, resource_name, doc_id, token)
            ):
                raise NotFound()
            return self.pdf_response(account, entry)

    def pdf_response(self, account, entry) -> Response:
        body = render_pdf(self.store, account, entry, scan=self.pdf_scan)
        filename = f"{(entry.get('number') or entry['id'])}.pdf".replace("/", "-")
        return Response(
            200,
            body,
            [("Content-Type", "application/pdf"), ("Content-Disposition", f'inline; filename="{filename}"')],
        )

    def account_by_index(self, index: int):
        for account in self.store.accounts.values():
            if account.index == index:
                return account
        return None

    def upload_file(self, path: str) -> Response:
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[1] != "book_entry_attachments":
            raise NotFound()
        id_text, _, key = parts[2].partition("-")
        with self.store.lock:
            account = self.account_by_index(int(id_text) // ID_SPACE) if id_text.isdigit() else None
            attachment = account.attachments.get(int(id_text)) if account else None
            if attachment is None or not secrets.compare_digest(attachment["key"], key):
                raise NotFound()
            variant = file_variant(attachment, parts[3])
        if variant is None:
            raise NotFound()
        content, content_type = variant
        return Response(200, content, [("Content-Type", content_type)])

    # ── OAuth2 ───────────────────────────────────────────────────────────
    def token(self, request: Request) -> Response:
        if request.method != "POST":
            raise NotFound()
        account = self.basic_account(request)
        if account is None:
            return oauth_error(401, "invalid_client", "Client authentication failed.")
        decision = self.limiter.hit(account.app_id)
        if not decision.allowed:
            return self.over_limit(account, decision)
        response = self.faults.apply(account.app_id, lambda: None) or self.issue_token(request, account)
        response.headers += decision.headers()
        self.stats.record(account.app_id, response.status, served=True, refused=False)
        return response

    def basic_account(self, request: Request):
        scheme, _, value = request.header("Authorization").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            raw = value.strip()
            decoded = base64.b64decode(
                raw + "=" * (-len(raw) % 4), altchars=b"-_" if "-" in raw or "_" in raw else None
            )
            app_id, _, app_secret = decoded.decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        with self.store.lock:
            account = self.store.accounts.get(app_id)
        if account is None or not secrets.compare_digest(account.app_secret, app_secret):
            return None
        return account

    def issue_token(self, request: Request, account) -> Response:
        if request.content_type == "application/json":
            try:
                params = {k: str(v) for k, v in json.loads(request.body or b"{}").items()}
            except (ValueError, AttributeError):
                params = {}
        else:
            params, _files = request.form()
        params = {**request.query, **params}
        grant_type = params.get("grant_type", "")
        if grant_type != "client_credentials":
            return oauth_error(
                400,
                "unsupported_grant_type" if grant_type else "invalid_request",
                "The authorization grant type is not supported by the authorization server.",
            )
        if params.get("scope", "").strip() != "ecommerce":
            return oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        now = int(self.store.now())
        access_token = secrets.token_hex(32)
        with self.store.lock:
            self.store.tokens[access_token] = {
                "app_id": account.app_id,
                "created_at": now,
                "expires_at": now + self.token_lifetime,
            }
            self.store.dirty = True
        payload = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "refresh_token": None,
            "scope": "ecommerce",
            "created_at": now,
        }
        response = Response.json(200, payload, content_type="application/json")
        response.headers += [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
        return response

    # ── control surface ──────────────────────────────────────────────────
    def control(self, request: Request, path: str) -> Response:
        action = path[len("/_sandbox/") :]
        body = request.json() if request.method == "POST" else {}
        app_id = body.get("app_id")
        if app_id is not None and app_id not in self.store.accounts:
            raise NotFound(f"No account with app_id {app_id!r}")
        if request.method == "GET" and action == "stats":
            return Response.json(200, self.stats.snapshot(list(self.store.accounts)), "application/json")
        if request.method == "GET" and action == "accounts":
            with self.store.lock:
                accounts = [a.public() for a in self.store.accounts.values()]
            return Response.json(200, {"accounts": accounts}, "application/json")
        if request.method == "GET" and action == "health":
            return Response.json(200, {"status": "ok"}, "application/json")
        if request.method != "POST":
            raise NotFound()
        if action == "accounts":
            return self.create_account(body)
        if action == "reset":
            with self.store.lock:
                seed.reset(self.store)
                self.store.dirty = True
            return Response.json(200, {"status": "reset"}, "application/json")
        if action == "faults":
            try:
                settings = FaultSettings.from_dict(body)
            except (TypeError, ValueError) as error:
                raise BadRequest(str(error)) from None
            self.faults.configure(settings, app_id)
            return Response.json(200, {"faults": settings.as_dict(), "app_id": app_id}, "application/json")
        if action == "expire_tokens":
            count = self.store.expire_tokens(app_id)
            return Response.json(200, {"expired": count}, "application/json")
        if action == "rate":
            try:
                limit, window = int(body["limit"]), float(body["window"])
            except (KeyError, TypeError, ValueError):
                raise BadRequest("Bad request: send limit and window") from None
            if limit < 1 or window <= 0:
                raise BadRequest("Bad request: limit and window must be positive")
            self.limiter.set_rule(limit, window, app_id)
            return Response.json(
                200, {"limit": limit, "window": window, "app_id": app_id}, "application/json"
            )
        if action == "clock":
            with self.store.lock:
                if "offset" in body:
                    self.store.clock_offset = float(body["offset"])
                self.store.clock_offset += float(body.get("advance", 0))
                offset = self.store.clock_offset
            return Response.json(200, {"offset": offset, "now": self.store.now()}, "application/json")
        raise NotFound()

    def create_account(self, body: dict) -> Response:
        name = str(body.get("name") or "").strip()
        kind = body.get("seed", "small")
        if not name:
            raise BadRequest("Bad request: name is required")
        if kind not in ("empty", "small", "demo", "quarter"):
            raise BadRequest("Bad request: seed must be empty, small, demo or quarter")
        with self.store.lock:
            account = self.store.add_account(
                name, "demo-sl" if kind == "demo" else kind, verifactu=bool(body.get("verifactu"))
            )
            seed.populate(self.store, account)
            self.store.dirty = True
        return Response.json(201, account.public(), "application/json")


def _answered(request: Request, answer) -> Response:
    """What ``answer()`` returns, or its API error as an answer; anything unexpected is logged and
    answered 500. A dropped connection goes through, to close the socket."""
    try:
        return answer()
    except DropConnection:
        raise
    except ApiError as error:
        return Response.error(error)
    except Exception:
        logger.exception("sandbox error on %s %s", request.method, request.path)
        return Response.error(ApiError(500))


def _cut_body(body: bytes, cut_at: int):
    """The first ``cut_at`` bytes of a body announced in full, then the connection closes."""
    yield body[:cut_at]
    raise DropConnection("cut_pdf")


def _seconds(window: float) -> str:
    return str(int(window)) if float(window).is_integer() else str(window)
