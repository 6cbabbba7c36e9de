"""A real django-q cluster for the bundle tests, on the test database, with its memory sampled.

The cluster runs in its own process group (so a test can kill it like a crashed machine) with a
settings module written for it: the test database, the test's MEDIA_ROOT and encryption keys.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]

SETTINGS_TEMPLATE = """
from quipu_portal.settings.test import *  # noqa: F403
from quipu_portal.settings.test import DATABASES, Q_CLUSTER

DATABASES = {{"default": {{**DATABASES["default"], "NAME": {db_name!r}}}}}
QUIPU_ENCRYPTION_KEYS = {keys!r}
MEDIA_ROOT = {media_root!r}
QUIPU_RATE_LIMIT = {rate!r}
QUIPU_JOB_LEASE_SECONDS = {lease}
Q_CLUSTER = {{**Q_CLUSTER, "workers": 1, "queue_limit": 1, "timeout": 60, "retry": 90, "poll": 0.2}}
"""


class MemorySampler:
    """Samples the resident memory of every process of the cluster every few milliseconds."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_by_pid: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            for process in processes:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                self.peak_by_pid[process.pid] = max(self.peak_by_pid.get(process.pid, 0), rss)
            time.sleep(self.interval)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def peak_process_mib(self) -> float:
        """The highest RSS any one process of the cluster reached (the worker that ran the job)."""
        return max(self.peak_by_pid.values(), default=0) / 2**20


class Cluster:
    def __init__(self, tmp_path: Path, *, rate: str, lease_seconds: int = 5):
        module = "pdfs_worker_settings"
        (tmp_path / f"{module}.py").write_text(
            SETTINGS_TEMPLATE.format(
                db_name=str(connection.settings_dict["NAME"]),
                keys=list(settings.QUIPU_ENCRYPTION_KEYS),
                media_root=str(settings.MEDIA_ROOT),
                rate=rate,
                lease=lease_seconds,
            )
        )
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": module,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO_ROOT)]),
            "PYTHONUNBUFFERED": "1",
        }
        self.log = (tmp_path / "cluster.log").open("ab")
        self.process: subprocess.Popen | None = None
        self.sampler: MemorySampler | None = None

    def start(self) -> "Cluster":
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "manage.py"), "qcluster"],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        self.sampler = MemorySampler(self.process.pid).start()
        return self

    def kill(self) -> None:
        """Like pulling the plug: SIGKILL to the whole process group, mid-task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.sampler.stop()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the main process only: a graceful stop
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.sampler:
            self.sampler.stop()
        self.log.close()
