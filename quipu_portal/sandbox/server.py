"""Serving the WSGI app with the standard library: threads, a READY line, clean shutdown on signals.

HTTP/1.1 with keep-alive, as Quipu itself answers: a client's connection serves request after request
(one thread per connection). Every answer carries its Content-Length; a request whose body the app
left unread beyond a small size, a chunked request body, a dropped answer or a client that asks for it
closes the connection instead.
"""

import logging
import signal
import socket
import socketserver
import sys
import threading
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .http import DropConnection

logger = logging.getLogger("quipu_sandbox")

# An unread request body up to this size is read and dropped so the connection can serve the next one.
MAX_DRAIN_BYTES = 1024 * 1024


class SandboxServerHandler(ServerHandler):
    http_version = "1.1"

    def handle_error(self):
        if isinstance(sys.exc_info()[1], DropConnection):
            self.request_handler.close_connection = True
            return  # nothing written: the client sees the connection closed
        self.request_handler.close_connection = True
        super().handle_error()

    def cleanup_headers(self):
        super().cleanup_headers()
        if "Content-Length" not in self.headers or not self.stdin.drainable:
            # The end of the body is the end of the connection; or the app left too much of the
            # request unread to read it past: told now, so the client does not send on it again.
            self.request_handler.close_connection = True
        if self.request_handler.close_connection:
            self.headers["Connection"] = "close"
        self.request_handler.answered = True


class RequestBody:
    """``wsgi.input``: at most Content-Length bytes of the connection, so the app cannot read into the
    next request; what it leaves unread is drained afterwards."""

    def __init__(self, stream, length: int):
        self._stream = stream
        self.left = length

    def _take(self, reader, size: int | None) -> bytes:
        if size is None or size < 0 or size > self.left:
            size = self.left
        data = reader(size) if size else b""
        self.left -= len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._take(self._stream.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(self._stream.readline, size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")

    @property
    def drainable(self) -> bool:
        return self.left <= MAX_DRAIN_BYTES

    def drain(self) -> bool:
        """Read and drop what is left; False when that is too much (the connection closes instead)."""
        if not self.drainable:
            return False
        while self.left and self.read(64 * 1024):
            pass
        return not self.left


class QuietRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffered: the status line, the headers and a body go out in one send, not one segment each.
    wbufsize = -1
    verbose = False

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if self.verbose:
            super().log_message(format, *args)

    def handle(self):
        """Request after request on one connection, until either side closes it."""
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection:
            self.handle_one_request()

    def handle_one_request(self):
        """wsgiref's handle() for one request, with a server handler that can drop the connection."""
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # the client reset the connection between two requests
            self.raw_requestline = b""
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # the app reads Content-Length bodies only
        try:
            length = max(int(self.headers.get("Content-Length") or 0), 0)
        except ValueError:
            length, self.close_connection = 0, True
        body = RequestBody(self.rfile, length)
        self.answered = False
        handler = SandboxServerHandler(
            body, self.wfile, self.get_stderr(), self.get_environ(), multithread=True
        )
        handler.request_handler = self
        handler.run(self.server.get_app())
        if not self.answered:
            self.close_connection = True  # nothing was answered
        if not self.close_connection and not body.drain():
            self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            self.close_connection = True


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(app, host: str, port: int, *, verbose: bool = False) -> ThreadingWSGIServer:
    handler = type("RequestHandler", (QuietRequestHandler,), {"verbose": verbose})
    server = ThreadingWSGIServer((host, port), handler)
    server.set_app(app)
    return server


def serve(app, host: str, port: int, *, on_stop=None, verbose: bool = False, out=None) -> None:
    """Listen, print ``QUIPU_SANDBOX_READY <url>``, serve until SIGINT/SIGTERM, then call on_stop."""
    out = out or sys.stdout
    server = make_server(app, host, port, verbose=verbose)
    bound_host, bound_port = server.server_address[:2]
    display_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    stopping = threading.Event()

    def stop(signum, frame):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        out.write(f"QUIPU_SANDBOX_READY http://{display_host}:{bound_port}\n")
        out.flush()
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if on_stop:
            on_stop()
