"""Plain WSGI request and response objects, and the API's error shapes."""

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

API_CONTENT_TYPE = "application/vnd.quipu.v1+json"

CANNED_DETAILS = {
    400: "Bad request",
    401: "Not authorized",
    403: "You are not authorized to access this resource",
    404: "Record not found",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


class ApiError(Exception):
    """An error answered as ``{"errors": [...]}``; ``errors`` holds (detail, pointer) pairs."""

    def __init__(self, status: int, detail: str | None = None, pointer: str | None = None, errors=None):
        super().__init__(detail or CANNED_DETAILS.get(status, "Error"))
        self.status = status
        self.errors = errors or [(detail or CANNED_DETAILS.get(status, "Error"), pointer)]

    def body(self) -> dict:
        out = []
        for detail, pointer in self.errors:
            error = {"detail": detail}
            if pointer:
                error["source"] = {"pointer": pointer}
            out.append(error)
        return {"errors": out}


class BadRequest(ApiError):
    def __init__(self, detail: str = "Bad request"):
        super().__init__(400, detail)


class NotFound(ApiError):
    def __init__(self, detail: str = "Record not found"):
        super().__init__(404, detail)


class Forbidden(ApiError):
    def __init__(self, detail: str = "You are not authorized to access this resource"):
        super().__init__(403, detail)


class Invalid(ApiError):
    """422 with one entry per field: ``errors`` is a list of (detail, pointer)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(422, errors=errors)


class DropConnection(Exception):
    """Raised to close the socket without answering, or in the middle of a body (fault injection)."""

    def __init__(self, reason: str = "dropped"):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # Fault injection: send the headers (with the full Content-Length) and this many bytes, then close.
    cut_at: int | None = None

    @classmethod
    def json(cls, status: int, payload, content_type: str = API_CONTENT_TYPE) -> "Response":
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        # No charset parameter: Quipu's media type is JSON, which is UTF-8 by definition (BEHAVIOUR.md).
        return cls(status, body, [("Content-Type", content_type)])

    @classmethod
    def error(cls, error: ApiError) -> "Response":
        return cls.json(error.status, error.body())

    @classmethod
    def empty(cls, status: int = 204) -> "Response":
        return cls(status, b"", [])


class Request:
    def __init__(self, environ: dict):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = environ.get("PATH_INFO", "/") or "/"
        self.query_string = environ.get("QUERY_STRING", "")
        self.query: dict[str, str] = {}
        for key, value in parse_qsl(self.query_string, keep_blank_values=True):
            self.query[key] = value
        self._body: bytes | None = None

    def header(self, name: str, default: str = "") -> str:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key, default) or default
        return self.environ.get(f"HTTP_{key}", default)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()

    @property
    def base_url(self) -> str:
        scheme = self.environ.get("wsgi.url_scheme", "http")
        host = self.header("Host") or f"{self.environ.get('SERVER_NAME')}:{self.environ.get('SERVER_PORT')}"
        return f"{scheme}://{host}"

    @property
    def body(self) -> bytes:
        if self._body is None:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def json(self) -> dict:
        """The JSON body as a dict; 400 when it is missing or malformed."""
        if not self.body.strip():
            return {}
        try:
            payload = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("Bad request: the body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise BadRequest("Bad request: the body must be a JSON object")
        return payload

    def form(self) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
        """Fields and files of a urlencoded or multipart body: (fields, {name: (filename, type, bytes)})."""
        if self.content_type == "multipart/form-data":
            return parse_multipart(self.header("Content-Type"), self.body)
        text = self.body.decode("utf-8", "replace")
        return dict(parse_qsl(text, keep_blank_values=True)), {}


def parse_multipart(content_type: str, body: bytes):
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, part.get_content_type(), payload)
        else:
            fields[name] = payload.decode(part.get_content_charset() or "utf-8", "replace")
    return fields, files
