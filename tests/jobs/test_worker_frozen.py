"""Killing idle django-q workers freezes a real cluster (the dead worker held the shared task queue's
lock): its main process lives on, no task runs again, and ``manage.py jobs_health`` says so."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django_q.models import Task

from quipu_portal.jobs.tasks import enqueue_run, task_queue_state

from .cluster import REPO, cluster_env, kill_cluster, start_cluster
from .test_worker_killed import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.serial]

STALL_SECONDS = 4


def jobs_health() -> subprocess.CompletedProcess:
    """The command as a process manager runs it: its exit status and its one line."""
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "jobs_health"],
        cwd=REPO,
        env={**cluster_env(), "QUIPU_JOB_STALL_SECONDS": str(STALL_SECONDS)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def sentinel_children(cluster: subprocess.Popen) -> list[psutil.Process]:
    """The workers first, then the monitor and the pusher (the order the sentinel spawns them)."""
    sentinels = psutil.Process(cluster.pid).children()
    return sorted(sentinels[0].children(), key=lambda process: process.create_time()) if sentinels else []


def test_idle_workers_killed_freeze_the_cluster_and_the_health_check_fails(tmp_path):
    workers = settings.Q_CLUSTER["workers"]
    log = tmp_path / "qcluster.log"
    cluster = start_cluster(log)
    try:
        # A working cluster runs what is queued, and the check passes.
        enqueue_run(0)  # no such job: the task just returns
        wait_for(lambda: Task.objects.exists(), timeout=60, what="the cluster to run a task")
        passed = jobs_health()
        assert passed.returncode == 0, passed.stderr
        assert passed.stdout.startswith("ok: a task finished")

        # Every worker is idle: one waits inside the task queue holding its lock, the others wait for it.
        wait_for(lambda: len(sentinel_children(cluster)) == workers + 2, timeout=30, what="the processes")
        time.sleep(1)
        idle = sentinel_children(cluster)[:workers]
        for process in idle:
            process.send_signal(signal.SIGKILL)
        killed = {process.pid for process in idle}
        wait_for(
            lambda: (
                len(alive := {p.pid for p in sentinel_children(cluster)}) == workers + 2
                and not alive & killed
            ),
            timeout=30,
            what="the sentinel to replace the killed workers",
        )

        finished = Task.objects.count()
        for _ in range(workers + 3):  # more than the pusher can hand to the stuck queue
            enqueue_run(0)
        time.sleep(STALL_SECONDS + 2)

        assert cluster.poll() is None, Path(log).read_text()[-3000:]
        assert Task.objects.count() == finished  # nothing ran, though new workers are up
        assert task_queue_state()[0] >= 1
        failed = jobs_health()
        assert failed.returncode == 1
        assert re.fullmatch(
            r"CommandError: stalled: \d+ queued task\(s\), the oldest waiting for \d+ s; "
            rf"the last task finished \d+ s ago \(limit {STALL_SECONDS} s\)\n",
            failed.stderr,
        ), failed.stderr
    finally:
        kill_cluster(cluster)
