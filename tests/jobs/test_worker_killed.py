"""A real ``manage.py qcluster`` (on whichever broker the settings choose: the ORM broker on the
embedded stack, Redis with Q_BROKER=redis) is killed with SIGKILL halfway through a job, restarted,
and the job finishes with every document written and no row done twice."""

import os
import time
from pathlib import Path

import pytest

from quipu_portal.audit.models import AuditEntry
from quipu_portal.jobs.models import ItemState, Job
from quipu_portal.jobs.services import job_start

from .cluster import kill_cluster, start_cluster
from .conftest import add_expense_documents, change_to, preview, snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
INVOICES_ONLY = {"kind": "expenses", "period": "2025", "type": "invoices"}


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_job_resumes_after_its_cluster_is_killed_and_no_row_is_done_twice(
    accountant, connection, quipu, targets, sandbox, quipu_account, tmp_path
):
    add_expense_documents(quipu, targets, invoices=30)
    before = snapshot(quipu, INVOICES_ONLY)
    job = preview(accountant, connection, quipu, change_to(targets), filters=INVOICES_ONLY)
    to_change = job.total - job.skipped_count
    assert to_change >= 30
    # Slow every answer down a little so the kill lands halfway through.
    sandbox.set_faults(app_id=quipu_account["app_id"], latency=0.12)
    log = Path(os.environ.get("QCLUSTER_LOG", tmp_path / "qcluster.log"))
    cluster = start_cluster(log)
    try:
        job_start(job=job)
        wait_for(
            lambda: Job.objects.get(pk=job.pk).changed_count >= to_change // 3,
            timeout=60,
            what="the job to be a third done",
        )
        kill_cluster(cluster)
        halfway = Job.objects.get(pk=job.pk)
        assert halfway.status == "running"
        assert halfway.changed_count < to_change
        time.sleep(3.5)  # the dead task's lease expires

        cluster = start_cluster(log)
        finished = wait_for(
            lambda: (j := Job.objects.get(pk=job.pk)).status == "finished" and j,
            timeout=90,
            what="the job to finish after the restart",
        )
    finally:
        kill_cluster(cluster)
        sandbox.clear_faults(quipu_account["app_id"])
    assert finished.changed_count == to_change, log.read_text()[-3000:]
    assert finished.failed_count == 0
    assert not finished.items.filter(state=ItemState.PENDING).exists()

    after = snapshot(quipu, INVOICES_ONLY)
    for key, doc in before.items():
        assert after[key]["state"]["accounting_category"] == targets.category.id, key
        assert after[key]["lines"] == doc["lines"], key
    # Each document's change is recorded exactly once, and at most the document being written when
    # the cluster died was sent twice (an idempotent PATCH).
    logged = AuditEntry.objects.filter(job=finished)
    assert logged.values("document_id").distinct().count() == to_change
    assert logged.values("document_id", "field").distinct().count() == logged.count()
    assert finished.items.filter(attempts__gt=1).count() <= 2
