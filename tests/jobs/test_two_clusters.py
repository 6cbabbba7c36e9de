"""Scaling out: two clusters, as on two machines (each its own process and settings), share the
database and one Quipu connection. Each takes the jobs' tasks as they come, and together they never
send more than the connection's limit: the rate budget is shared, not per machine."""

import time
from pathlib import Path

import pytest

from quipu_portal.audit.models import AuditEntry
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.jobs.services import job_start

from .cluster import kill_cluster, start_cluster, wait_until_running
from .conftest import add_expense_documents, change_to, preview

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

INVOICES_ONLY = {"kind": "expenses", "period": "2025", "type": "invoices"}
# Tight enough that two machines each keeping their own count would go over it at once.
LIMIT, WINDOW = 6, 2.0
RUN_JOB = "Processed 'quipu_portal.jobs.tasks.run_job'"


def refused(sandbox, account) -> tuple[int, int]:
    """Requests the sandbox refused as over the limit, and 429s it answered, for the account."""
    row = sandbox.stats()["accounts"].get(account["app_id"], {})
    return row.get("over_limit", 0), row.get("by_status", {}).get("429", 0)


def test_two_clusters_on_one_connection_share_its_limit_and_both_do_the_work(
    accountant, connection, quipu, targets, sandbox, quipu_account, tmp_path
):
    add_expense_documents(quipu, targets, invoices=24)
    ids = [record.id for record in quipu.iterate("invoices", filters={"kind": "expenses"}, page_size=100)]
    # Four jobs, so four chunks wait at any time: a machine with one worker holds at most three (one
    # running, one in its queue, one in its pusher's hand), so the other machine always gets work.
    jobs = [
        preview(accountant, connection, quipu, change_to(targets), filters=INVOICES_ONLY, ids=ids[part::4])
        for part in range(4)
    ]
    to_change = sum(job.total - job.skipped_count for job in jobs)
    assert to_change >= 24
    sandbox.set_rate(LIMIT, WINDOW, app_id=quipu_account["app_id"])
    time.sleep(WINDOW)  # the arranging requests leave the window
    before = refused(sandbox, quipu_account)
    machine = {"QUIPU_TEST_CLUSTER_WORKERS": "1", "QUIPU_TEST_CLUSTER_RATE": f"{LIMIT}/{WINDOW:g}s"}
    logs = [Path(tmp_path / "machine-a.log"), Path(tmp_path / "machine-b.log")]
    clusters = [start_cluster(log, env=machine) for log in logs]
    try:
        for log in logs:  # both machines take part only if both are up before the work is queued
            wait_until_running(log)
        for job in jobs:
            job_start(job=job)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all(Job.objects.get(pk=job.pk).is_done for job in jobs):
                break
            time.sleep(0.2)
    finally:
        for cluster in clusters:
            kill_cluster(cluster)
        sandbox.set_rate(1000, 5.0, app_id=quipu_account["app_id"])

    finished = [Job.objects.get(pk=job.pk) for job in jobs]
    assert [job.status for job in finished] == [JobStatus.FINISHED] * 4, logs[0].read_text()[-2000:]
    assert sum(job.changed_count for job in finished) == to_change
    assert refused(sandbox, quipu_account) == before
    # Both machines ran chunks (a chunk is five documents here, each a task of its own).
    assert all(RUN_JOB in log.read_text() for log in logs), [log.read_text()[-1500:] for log in logs]
    assert AuditEntry.objects.filter(job__in=finished).values("document_id").distinct().count() == to_change
