"""What the scenarios share: portal users, worker and web processes, timing and memory figures."""

import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
from django.contrib.auth import get_user_model
from django.test import Client

from quipu_portal.connections.services import connection_create
from quipu_portal.core.services import user_language_set
from quipu_portal.sandbox.testing import REPO_ROOT, RunningSandbox

MANAGE = str(REPO_ROOT / "manage.py")
PASSWORD = "benchmark-password-2026"


class BenchmarkError(RuntimeError):
    pass


# Figures ------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` in 0–100) of the values, or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def spread_ms(values: list[float], shares=(50, 95, 99)) -> dict:
    return {f"p{share}_ms": milliseconds(percentile(values, share)) for share in shares}


# The sandbox --------------------------------------------------------------------------------------


def sandbox_at(url: str) -> RunningSandbox:
    """Control of a sandbox another process started (this process never stops it)."""
    return RunningSandbox(None, url)


def account_counts(sandbox: RunningSandbox, app_ids) -> dict:
    """Requests served, refused as over the limit, and 429s answered, summed over the accounts."""
    rows = sandbox.stats()["accounts"]
    totals = {"requests": 0, "over_limit": 0, "status_429": 0}
    for app_id in app_ids:
        row = rows.get(app_id, {})
        totals["requests"] += row.get("requests", 0)
        totals["over_limit"] += row.get("over_limit", 0)
        totals["status_429"] += row.get("by_status", {}).get("429", 0)
    return totals


def counts_since(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in before}


# Portal users -------------------------------------------------------------------------------------


def portal_user(*, username: str, sandbox: RunningSandbox, account: dict):
    """A user (English pages) with one connection to the sandbox account; returns (user, connection)."""
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user_language_set(user=user, language="en")
    connection = connection_create(
        owner=user,
        name=account["name"][:120],
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )
    return user, connection


def browser_for(user) -> Client:
    """An in-process browser signed in as the user (server time only: no network in between)."""
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(user)
    return browser


# Processes ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_file(name: str):
    folder = Path(os.environ.get("QUIPU_DATA_DIR", ".")) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return (folder / f"{name}-{int(time.time())}.log").open("ab")


def _stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the main process only (it stops its own workers), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for child in _children(process.pid):
                child.kill()
            process.kill()
            process.wait()


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@contextmanager
def qcluster(*, env: dict | None = None, name: str = "qcluster", wait_for_queued: bool = True):
    """A django-q2 cluster on this environment's database, stopped (gracefully) afterwards.

    ``env`` adds or changes variables for this cluster only (another "machine"). The tasks queued
    before it started (a new connection's reference-data warm-up) are finished before it is yielded,
    so a scenario's figures count only its own work."""
    from quipu_portal.jobs.tasks import task_finished_count, task_queue_state

    queued, finished = task_queue_state()[0], task_finished_count()
    process = subprocess.Popen(
        [sys.executable, MANAGE, "qcluster"],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=_log_file(name),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_cluster(process)
        if wait_for_queued:
            _wait_for_tasks(finished + queued)
        yield process
    finally:
        _stop(process)


def _wait_for_cluster(process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the cluster's workers are up (a loaded machine takes seconds to start one)."""
    from quipu_portal.jobs.tasks import cluster_is_running

    deadline = time.monotonic() + timeout
    while not cluster_is_running(process.pid):
        if process.poll() is not None:
            raise BenchmarkError("qcluster exited at start; see the logs folder")
        if time.monotonic() > deadline:
            raise BenchmarkError(f"qcluster not running after {timeout:.0f} s; see the logs folder")
        time.sleep(0.2)


def _wait_for_tasks(finished: int, timeout: float = 120) -> None:
    """Until the queue is empty and ``finished`` task results are stored (a task taken off the queue
    may still be running)."""
    from quipu_portal.jobs.tasks import task_finished_count, task_queue_state

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not task_queue_state()[0] and task_finished_count() >= finished:
            return
        time.sleep(0.1)


@contextmanager
def gunicorn(*, workers: int, threads: int):
    """The portal behind gunicorn on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "quipu_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=_log_file("gunicorn"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise BenchmarkError("gunicorn exited at start; see the logs folder")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchmarkError("gunicorn did not start in 30 s") from None
                time.sleep(0.2)
        yield base_url
    finally:
        _stop(process)


class MemorySampler:
    """Samples the resident memory of a process's children (the cluster's workers) every 50 ms."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_worker_bytes = 0
        self.peak_total_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.05):
            sizes = []
            for child in _children(self.pid):
                try:
                    sizes.append(child.memory_info().rss)
                except psutil.Error:
                    continue
            if sizes:
                self.peak_worker_bytes = max(self.peak_worker_bytes, max(sizes))
                self.peak_total_bytes = max(self.peak_total_bytes, sum(sizes))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=2)


def wait_for_job(job_id: int, *, timeout: float, since=None):
    """Poll the job's row until it is done; returns it with the seconds it took: from ``since`` (an
    aware datetime, e.g. the click on Start) to the job's own ``finished_at`` when given, so the
    polling interval does not count, else from the call to the poll that saw it done."""
    from quipu_portal.jobs.models import Job

    started = time.monotonic()
    while True:
        job = Job.objects.get(pk=job_id)
        if job.is_done:
            if since is not None and job.finished_at is not None:
                return job, (job.finished_at - since).total_seconds()
            return job, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise BenchmarkError(
                f"job {job_id} not done after {timeout:.0f} s: {job.status} {job.done_count}/{job.total}"
            )
        time.sleep(0.1)
