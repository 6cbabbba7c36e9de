"""Start the sandbox in a subprocess for tests and benchmarks, and drive its control surface.

sandbox = start_sandbox(rate="1000/5s")
account = sandbox.create_account("test-contacts")   # {"name", "app_id", "app_secret", "slug"}
... talk to sandbox.base_url with account["app_id"] / account["app_secret"] ...
sandbox.stop()
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
READY_PREFIX = "QUIPU_SANDBOX_READY "
START_TIMEOUT = 30.0


class SandboxError(RuntimeError):
    pass


class RunningSandbox:
    def __init__(self, process: subprocess.Popen, base_url: str):
        if not base_url.startswith("http://"):
            raise SandboxError(f"unexpected sandbox address {base_url!r}")
        self.process = process
        self.base_url = base_url
        self._stderr_lines: list[str] = []

    # ── control surface ──────────────────────────────────────────────────
    def _control(self, method: str, action: str, payload: dict | None = None) -> dict:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - always the sandbox's own http:// address
            f"{self.base_url}/_sandbox/{action}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise SandboxError(f"{method} /_sandbox/{action}: {error.code} {error.read()!r}") from None

    def stats(self) -> dict:
        return self._control("GET", "stats")

    def accounts(self) -> list[dict]:
        return self._control("GET", "accounts")["accounts"]

    def create_account(self, name: str, seed: str = "small", *, verifactu: bool = False) -> dict:
        """A new isolated account: {"name", "app_id", "app_secret", "slug"}."""
        payload = {"name": name, "seed": seed}
        if verifactu:
            payload["verifactu"] = True
        return self._control("POST", "accounts", payload)

    def set_faults(self, **faults) -> dict:
        return self._control("POST", "faults", faults)

    def clear_faults(self, app_id: str | None = None) -> dict:
        return self._control("POST", "faults", {} if app_id is None else {"app_id": app_id})

    def expire_tokens(self, app_id: str | None = None) -> dict:
        return self._control("POST", "expire_tokens", {} if app_id is None else {"app_id": app_id})

    def set_rate(self, limit: int, window: float, app_id: str | None = None) -> dict:
        payload = {"limit": limit, "window": window}
        if app_id is not None:
            payload["app_id"] = app_id
        return self._control("POST", "rate", payload)

    def advance_clock(self, seconds: float) -> dict:
        """Move the sandbox's clock (token expiry, one-hour PDF links) forward."""
        return self._control("POST", "clock", {"advance": seconds})

    def reset(self) -> dict:
        return self._control("POST", "reset", {})

    # ── process ──────────────────────────────────────────────────────────
    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_sandbox(
    *,
    rate: str = "1000/5s",
    seed: str = "empty",
    token_lifetime: int = 7200,
    faults: str | dict | None = None,
    extra_args=(),
    start_timeout: float = START_TIMEOUT,
) -> RunningSandbox:
    """Launch ``manage.py quipu_sandbox --port 0 --memory`` and wait for its READY line.

    ``extra_args`` go to the command as they are; with ``("--data", path)`` the data is kept in that file.
    """
    if isinstance(faults, dict):
        faults = ",".join(f"{key}={value}" for key, value in faults.items())
    command = [
        sys.executable,
        str(REPO_ROOT / "manage.py"),
        "quipu_sandbox",
        "--port",
        "0",
        *(() if "--data" in extra_args else ("--memory",)),
        "--seed",
        seed,
        "--rate",
        rate,
        "--token-lifetime",
        str(token_lifetime),
    ]
    if faults:
        command += ["--faults", faults]
    command += list(extra_args)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "quipu_portal.settings.local")
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    found: dict[str, str] = {}
    stderr_lines: list[str] = []

    def read_stdout():
        for line in process.stdout:
            if line.startswith(READY_PREFIX) and "url" not in found:
                found["url"] = line[len(READY_PREFIX) :].strip()

    def read_stderr():
        for line in process.stderr:
            stderr_lines.append(line)
            del stderr_lines[:-200]

    threading.Thread(target=read_stdout, daemon=True).start()
    threading.Thread(target=read_stderr, daemon=True).start()
    deadline = time.monotonic() + start_timeout
    while "url" not in found:
        if process.poll() is not None:
            time.sleep(0.1)
            raise SandboxError(
                f"the sandbox exited with {process.returncode}: {''.join(stderr_lines)[-2000:]}"
            )
        if time.monotonic() > deadline:
            process.kill()
            raise SandboxError(
                f"the sandbox was not ready in {start_timeout:.0f} s: {''.join(stderr_lines)[-2000:]}"
            )
        time.sleep(0.02)
    sandbox = RunningSandbox(process, found["url"])
    sandbox._stderr_lines = stderr_lines
    return sandbox
