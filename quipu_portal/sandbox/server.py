"""Serving the WSGI app with the standard library: threads, a READY line, clean shutdown on signals."""

import logging
import signal
import socketserver
import sys
import threading
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .http import DropConnection

logger = logging.getLogger("quipu_sandbox")


class SandboxServerHandler(ServerHandler):
    def handle_error(self):
        if isinstance(sys.exc_info()[1], DropConnection):
            self.request_handler.close_connection = True
            return  # nothing written: the client sees the connection closed
        super().handle_error()


class QuietRequestHandler(WSGIRequestHandler):
    verbose = False

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if self.verbose:
            super().log_message(format, *args)

    def handle(self):
        """wsgiref's handle(), with a server handler that can drop the connection."""
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = SandboxServerHandler(
            self.rfile, self.wfile, self.get_stderr(), self.get_environ(), multithread=True
        )
        handler.request_handler = self
        handler.run(self.server.get_app())


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
