"""The sandbox's command line, shared by ``manage.py quipu_sandbox`` and ``python -m quipu_portal.sandbox``."""

import argparse
import json
import os
import sys
import threading
import time

from . import seed
from .app import SandboxApp
from .config import DEFAULT_PORT, DEFAULT_TOKEN_LIFETIME, parse_faults, parse_rate
from .server import serve
from .store import Store

SAVE_EVERY = 1.0


def add_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    storage = parser.add_mutually_exclusive_group()
    storage.add_argument("--data", metavar="PATH", help="keep the data in this JSON file")
    storage.add_argument("--memory", action="store_true", help="keep the data in memory only (default)")
    parser.add_argument("--seed", choices=("demo", "empty"), default="demo")
    parser.add_argument("--scale", type=int, default=1, help="multiplies the S.L.'s book entries")
    parser.add_argument("--rate", default="5/5s", help="LIMIT/WINDOWs, e.g. 5/5s or 1000/5s")
    parser.add_argument("--token-lifetime", type=int, default=DEFAULT_TOKEN_LIFETIME, metavar="SECONDS")
    parser.add_argument("--faults", default="", help="e.g. latency=0.2,429=0.1,5xx=0.05,drop=0.02,seed=1")
    parser.add_argument(
        "--pdf-kb",
        type=int,
        default=0,
        metavar="KB",
        help="make each PDF about this size with a scanned-looking image (e.g. 200); 0: text only (~2 KB)",
    )
    parser.add_argument("--list-accounts", action="store_true", help="print the accounts as JSON and exit")
    parser.add_argument("--verbose-requests", action="store_true", help="log every request to stderr")


def run(options: dict, stdout=sys.stdout, stderr=sys.stderr) -> None:
    """Run the sandbox until SIGINT/SIGTERM; ValueError for bad options."""
    limit, window = parse_rate(options["rate"])
    faults = parse_faults(options["faults"])
    if options["scale"] < 1:
        raise ValueError("--scale must be at least 1")
    if not 0 <= options.get("pdf_kb", 0) <= 10_000:
        raise ValueError("--pdf-kb must be between 0 and 10000")
    path = options["data"]
    if options["list_accounts"]:
        store = _store(path, "empty", 1)  # the accounts and their credentials are the same for every seed
        accounts = [account.public() for account in store.accounts.values()]
        stdout.write(json.dumps(accounts, ensure_ascii=False, indent=2) + "\n")
        return
    started = time.monotonic()
    store = _store(path, options["seed"], options["scale"])
    app = SandboxApp(
        store,
        limit=limit,
        window=window,
        token_lifetime=options["token_lifetime"],
        faults=faults,
        pdf_kb=options.get("pdf_kb", 0),
    )
    entries = sum(len(account.entries) for account in store.accounts.values())
    stderr.write(
        f"Quipu sandbox: {len(store.accounts)} accounts, {entries} book entries, "
        f"ready in {time.monotonic() - started:.1f} s\n"
    )
    saver = _Saver(store, path) if path else None
    serve(
        app,
        options["host"],
        options["port"],
        on_stop=saver.stop if saver else None,
        verbose=options["verbose_requests"],
        out=stdout,
    )


def _store(path: str | None, seed_name: str, scale: int) -> Store:
    if path and os.path.exists(path):
        store = Store()
        store.load(path)
        return store
    store = seed.build_store(seed_name, scale=scale)
    if path:
        store.save(path)
    return store


class _Saver:
    """Writes the store to its JSON file at most once a second after changes, and on exit."""

    def __init__(self, store: Store, path: str):
        self.store, self.path = store, path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(SAVE_EVERY):
            if self.store.dirty:
                self.store.save(self.path)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.store.save(self.path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m quipu_portal.sandbox", description="Run the Quipu sandbox."
    )
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        run(options)
    except ValueError as error:
        parser.error(str(error))
    return 0
