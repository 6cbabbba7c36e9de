"""Start and kill a real ``manage.py qcluster`` on the test run's database (see cluster_settings.py)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection as db_connection

REPO = Path(__file__).resolve().parents[2]


def cluster_env() -> dict:
    """The environment of a ``manage.py`` command run beside the test: cluster_settings on its database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cluster_settings",
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(REPO)]),
        "QUIPU_TEST_DB_NAME": str(db_connection.settings_dict["NAME"]),
        "QUIPU_TEST_ENCRYPTION_KEYS": ",".join(settings.QUIPU_ENCRYPTION_KEYS),
    }


def start_cluster(log_path: Path, *, env: dict | None = None) -> subprocess.Popen:
    """``env`` adds variables for this cluster only (e.g. another "machine"'s worker count)."""
    log = open(log_path, "a")  # noqa: SIM115 - closed when the process ends
    return subprocess.Popen(
        [sys.executable, str(REPO / "manage.py"), "qcluster"],
        cwd=REPO,
        env={**cluster_env(), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_running(log_path: Path, *, timeout: float = 60.0) -> None:
    """Until the cluster writing ``log_path`` says it is running (a loaded machine starts it slowly)."""
    deadline = time.monotonic() + timeout
    while "running." not in log_path.read_text():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the cluster did not start within {timeout:.0f} s: {log_path.read_text()[-1500:]}"
            )
        time.sleep(0.1)


def kill_cluster(process: subprocess.Popen) -> None:
    """SIGKILL to the whole process group: the main process, its workers, monitor and pusher."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def print_log_tail(log_path: Path, lines: int = 40) -> None:
    """The end of a cluster's log, shown with the report of a test that failed (pytest keeps a passing
    test's output to itself)."""
    print(f"--- the last {lines} lines of {log_path.name} ---")
    print("\n".join(log_path.read_text(errors="replace").splitlines()[-lines:]))
