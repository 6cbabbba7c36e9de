"""A real ``manage.py qcluster`` reading the documents of a large preview is killed with SIGKILL halfway,
restarted, and the preview ends with every document read once."""

import os
import time
from pathlib import Path

import pytest
from django.utils import translation

from quipu_portal.bulk_categories import services
from quipu_portal.bulk_categories.changes import CategoryChange
from quipu_portal.jobs.models import Job, JobItem
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import selection_list_page

from .cluster import kill_cluster, start_cluster
from .test_worker_killed import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def quipu_account(sandbox):
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


def test_reading_resumes_after_its_cluster_is_killed_and_reads_no_document_twice(
    accountant, connection, quipu, sandbox, quipu_account, tmp_path
):
    selection = services.bulk_categories_selection(namespace="book_entries", query="", ids=None)
    expected = selection_list_page(client=quipu, selection=selection, page=1).total_results
    other_services = next(c for c in reference_data(quipu).accounting_categories if c.prefix == "629")
    change = CategoryChange(scope="document", category_id=other_services.id, category_kind="expenses")
    with translation.override("en"):
        job = services.bulk_categories_preview(
            owner=accountant,
            connection=connection,
            client=quipu,
            selection=selection,
            change=change,
            title="Every document to 629",
        )
    assert job.status == "preparing"
    # Slow every answer down so the kill lands halfway through the pages.
    sandbox.set_faults(app_id=quipu_account["app_id"], latency=0.4)
    log = Path(os.environ.get("QCLUSTER_LOG", tmp_path / "qcluster.log"))
    cluster = start_cluster(log)
    try:
        wait_for(
            lambda: Job.objects.get(pk=job.pk).total >= expected // 3,
            timeout=60,
            what="a third of the documents to be read",
        )
        kill_cluster(cluster)
        halfway = Job.objects.get(pk=job.pk)
        assert halfway.status == "preparing"
        assert halfway.total < expected
        time.sleep(3.5)  # the dead task's lease expires

        cluster = start_cluster(log)
        ready = wait_for(
            lambda: (j := Job.objects.get(pk=job.pk)).status != "preparing" and j,
            timeout=90,
            what="the reading to end after the restart",
        )
    finally:
        kill_cluster(cluster)
        sandbox.clear_faults(quipu_account["app_id"])
    assert ready.status == "draft", (ready.message, log.read_text()[-3000:])
    assert ready.total == expected
    assert ready.params["preparing"]["read"] == expected
    positions = list(JobItem.objects.filter(job=ready).values_list("position", flat=True))
    assert len(set(positions)) == len(positions) == expected
