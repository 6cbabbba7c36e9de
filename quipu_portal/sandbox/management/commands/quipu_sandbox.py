"""python manage.py quipu_sandbox — a local server that behaves like the Quipu API."""

import json
import os
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from quipu_portal.sandbox import seed
from quipu_portal.sandbox.app import SandboxApp
from quipu_portal.sandbox.config import DEFAULT_PORT, DEFAULT_TOKEN_LIFETIME, parse_faults, parse_rate
from quipu_portal.sandbox.server import serve

SAVE_EVERY = 1.0


class Command(BaseCommand):
    help = "Run the Quipu sandbox: a fake Quipu API with demo accounts, rate limit and fault injection."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
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
        parser.add_argument("--list-accounts", action="store_true", help="print the accounts as JSON and exit")
        parser.add_argument("--verbose-requests", action="store_true", help="log every request to stderr")

    def handle(self, *args, **options):
        try:
            limit, window = parse_rate(options["rate"])
            faults = parse_faults(options["faults"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["scale"] < 1:
            raise CommandError("--scale must be at least 1")
        path = options["data"]
        if options["list_accounts"]:
            store = self._store(path, options, lazy=True)
            accounts = [a.public() for a in store.accounts.values()]
            self.stdout.write(json.dumps(accounts, ensure_ascii=False, indent=2))
            return
        started = time.monotonic()
        store = self._store(path, options)
        app = SandboxApp(
            store, limit=limit, window=window, token_lifetime=options["token_lifetime"], faults=faults
        )
        entries = sum(len(a.entries) for a in store.accounts.values())
        self.stderr.write(f"Quipu sandbox: {len(store.accounts)} accounts, {entries} book entries, "
                          f"ready in {time.monotonic() - started:.1f} s")
        saver = _Saver(store, path) if path else None

        def on_stop():
            if saver:
                saver.stop()

        serve(app, options["host"], options["port"], on_stop=on_stop, verbose=options["verbose_requests"],
              out=sys.stdout)

    def _store(self, path, options, lazy=False):
        if path and os.path.exists(path):
            store = seed.Store()
            store.load(path)
            return store
        if lazy:
            return seed.build_store("empty")  # the accounts and credentials are the same for every seed
        store = seed.build_store(options["seed"], scale=options["scale"])
        if path:
            store.save(path)
        return store


class _Saver:
    """Writes the store to its JSON file at most once a second after changes, and on exit."""

    def __init__(self, store, path):
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
