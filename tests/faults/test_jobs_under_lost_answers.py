"""Background work while Quipu applies writes but loses their answers and cuts PDFs half way (besides
429s, 5xx and dropped connections): a category change and its undo, a large deletion whose documents
are read in the background, and a ZIP of PDFs, through a real cluster. Afterwards Quipu holds exactly
what the jobs say they did: nothing lost, nothing written twice, no truncated PDF in the archive.
"""

import collections
import dataclasses
import time
import zipfile
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from quipu_portal.audit.models import AuditEntry
from quipu_portal.bulk_categories.changes import CategoryChange, category_state
from quipu_portal.bulk_categories.services import (
    bulk_categories_preview,
    bulk_categories_selection,
    job_undo,
)
from quipu_portal.bulk_delete.services import bulk_delete_prepare
from quipu_portal.connections.services import client_for, connection_create
from quipu_portal.core.services import user_language_set
from quipu_portal.files.services import generated_file_path
from quipu_portal.jobs.models import ItemState, Job, JobStatus
from quipu_portal.jobs.services import job_start
from quipu_portal.pdfs.models import Bundle, BundleFormat
from quipu_portal.pdfs.services import bundle_create, bundle_documents_of
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import (
    IN_REQUEST_PAGES,
    PAGE_SIZE,
    list_admin,
    selection_list_page,
)
from tests.faults.test_faults import Cluster, media_root  # noqa: F401 - the bundles' own folder
from tests.helpers import read_to_end

BULK_DOCUMENTS = 30
ZIP_DOCUMENTS = 30
# Every paysheet of the demo company (204): more than a page view reads, so the job reads the rest.
DELETE_LIST = "paysheets"
FAULTS = {
    "drop_after_write": 0.1,
    "cut_pdf": 0.25,
    "429": 0.05,
    "5xx": 0.05,
    "drop": 0.02,
    "latency": 0.02,
    "seed": 20261203,
}
DEADLINE = 240.0


def paysheet_ids(quipu) -> set[str]:
    return {record.id for record in quipu.iterate("book_entries", filters={"type": "paysheets"})}


def logged_once(job) -> dict[str, int]:
    return collections.Counter(
        AuditEntry.objects.filter(job=job)
        .values_list("document_id", "field")
        .distinct()
        .values_list("document_id", flat=True)
    )


@pytest.fixture
def faulty_account(sandbox):
    account = sandbox.create_account("Respuestas Perdidas S.L.", seed="demo")
    yield account
    sandbox.clear_faults(app_id=account["app_id"])


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_jobs_lose_nothing_and_write_nothing_twice_when_answers_are_lost(
    sandbox, faulty_account, user, tmp_path
):
    user_language_set(user=user, language="en")
    connection = connection_create(
        owner=user,
        name=faulty_account["name"],
        base_url=sandbox.base_url,
        app_id=faulty_account["app_id"],
        app_secret=faulty_account["app_secret"],
    )
    quipu = client_for(connection)
    reverse("core:home")  # the resource apps register themselves when the URLs load

    # What the accountant asks for, prepared while Quipu behaves.
    selection = bulk_categories_selection(namespace="invoices", query="kind=income", ids=None)
    invoices = selection_list_page(client=quipu, selection=selection, page=1).records[:BULK_DOCUMENTS]
    originally = {record.id: getattr(record.accounting_category, "id", None) for record in invoices}
    used = collections.Counter(originally.values())
    target = min(
        (c for c in reference_data(quipu).accounting_categories if c.kind == "income"),
        key=lambda category: (used.get(category.id, 0), category.id),
    )
    bulk = bulk_categories_preview(
        owner=user,
        connection=connection,
        client=quipu,
        selection=dataclasses.replace(selection, ids=list(originally)),
        change=CategoryChange(scope="document", category_id=target.id, category_kind="income"),
        title="Move to one category",
    )
    to_change = set(bulk.items.filter(state=ItemState.PENDING).values_list("document_id", flat=True))
    assert len(to_change) == BULK_DOCUMENTS - used.get(target.id, 0) > 0

    paysheets_before = paysheet_ids(quipu)
    assert len(paysheets_before) > IN_REQUEST_PAGES * PAGE_SIZE
    deletion = bulk_delete_prepare(
        owner=user,
        connection=connection,
        client=quipu,
        admin=list_admin(DELETE_LIST),
        query="",
        ids=None,
    )
    assert deletion.status == JobStatus.PREPARING  # the rest of the selection is read by the cluster

    documents, _without_pdf = bundle_documents_of(invoices)
    assert len(documents) == ZIP_DOCUMENTS

    # Then Quipu misbehaves, and the cluster does the work.
    sandbox.set_faults(app_id=faulty_account["app_id"], **FAULTS)
    # Larger chunks than the kill tests use: fewer hand-offs through the broker for 200 deletions.
    cluster = Cluster(tmp_path / "qcluster.log", urlsplit(sandbox.base_url).port, FAULTS_JOB_CHUNK_SIZE="40")
    undo = None
    try:
        cluster.wait_until_running()
        started = time.monotonic()
        job_start(job=bulk)
        bundle = bundle_create(
            owner=user, connection=connection, documents=documents, format=BundleFormat.ZIP, title="PDFs"
        )
        while True:
            deletion.refresh_from_db()
            if deletion.status == JobStatus.DRAFT:
                job_start(job=deletion)  # the accountant confirms once every document is read
            bulk.refresh_from_db()
            if undo is None and bulk.is_done:
                undo = job_undo(job=bulk)
            jobs = Job.objects.filter(pk__in=[bulk.pk, deletion.pk, bundle.job_id, getattr(undo, "pk", 0)])
            if undo is not None and all(job.is_done for job in jobs):
                break
            assert deletion.status != JobStatus.PREPARATION_FAILED, deletion.message
            assert time.monotonic() - started < DEADLINE, (
                [(j.kind, j.status, j.done_count, j.total, j.message) for j in jobs],
                cluster.log(),
            )
            time.sleep(0.5)
    finally:
        cluster.stop()
        stats = sandbox.stats()["accounts"][faulty_account["app_id"]]["by_status"]
        sandbox.clear_faults(app_id=faulty_account["app_id"])
    # The answer faults did strike, on writes and on PDFs.
    assert stats.get("dropped_after_write", 0) >= 5 and stats.get("cut_pdf", 0) >= 3, stats

    # The category change and its undo: every document changed once, then back as it was.
    bulk.refresh_from_db()
    undo.refresh_from_db()
    for job, expected in ((bulk, to_change), (undo, to_change)):
        assert job.status == JobStatus.FINISHED, (job.kind, job.status, job.message)
        assert (job.total, job.changed_count, job.failed_count) == (len(expected), len(expected), 0), job.kind
        changed = set(job.items.filter(state=ItemState.CHANGED).values_list("document_id", flat=True))
        assert changed == expected, job.kind
        logged = logged_once(job)
        assert set(logged) == expected, job.kind
        entries = AuditEntry.objects.filter(job=job, field="accounting_category")
        assert entries.count() == len(expected), job.kind  # one entry per document, never two
    for document_id, category_id in originally.items():
        record = quipu.retrieve("invoices", document_id, include=["items"])
        assert category_state(record)["accounting_category"] == category_id, document_id

    # The deletion: read in full despite the faults, then exactly the documents it says it deleted.
    deletion.refresh_from_db()
    states = collections.Counter(deletion.items.values_list("state", flat=True))
    assert deletion.status == JobStatus.FINISHED, (deletion.status, deletion.message)
    assert deletion.total == len(paysheets_before), (deletion.total, len(paysheets_before))
    assert states == {ItemState.CHANGED: len(paysheets_before)}, states
    assert set(deletion.items.values_list("document_id", flat=True)) == paysheets_before
    assert paysheet_ids(quipu) == set()
    assert AuditEntry.objects.filter(job=deletion, field="issue_date").count() == len(paysheets_before)

    # The ZIP: one complete PDF per document, none twice, none cut.
    zip_job = Job.objects.get(pk=bundle.job_id)
    bundle = Bundle.objects.get(pk=bundle.pk)
    assert zip_job.status == JobStatus.FINISHED, (zip_job.status, zip_job.message)
    assert (zip_job.changed_count, zip_job.failed_count, zip_job.total) == (ZIP_DOCUMENTS, 0, ZIP_DOCUMENTS)
    assert bundle.pdf_count == ZIP_DOCUMENTS and bundle.failed_count == 0
    with zipfile.ZipFile(generated_file_path(generated=bundle)) as archive:
        pdfs = [info for info in archive.infolist() if info.filename.lower().endswith(".pdf")]
        assert len(pdfs) == len({info.filename for info in pdfs}) == ZIP_DOCUMENTS
        for info in pdfs:
            content = archive.read(info)
            assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF"), info.filename


@pytest.mark.serial
@pytest.mark.django_db
def test_a_large_selection_read_through_5xx_and_lost_answers_is_read_whole(sandbox, faulty_account, user):
    connection = connection_create(
        owner=user,
        name=faulty_account["name"],
        base_url=sandbox.base_url,
        app_id=faulty_account["app_id"],
        app_secret=faulty_account["app_secret"],
    )
    quipu = client_for(connection)
    paysheets = paysheet_ids(quipu)
    job = bulk_delete_prepare(
        owner=user, connection=connection, client=quipu, admin=list_admin(DELETE_LIST), query="", ids=None
    )
    assert job.status == JobStatus.PREPARING

    sandbox.set_faults(app_id=faulty_account["app_id"], seed=4, **{"500": 0.3, "drop": 0.1, "429": 0.1})
    job = read_to_end(job)
    sandbox.clear_faults(app_id=faulty_account["app_id"])

    assert (job.status, job.message) == (JobStatus.DRAFT, "")
    assert job.total == len(paysheets)
    assert set(job.items.values_list("document_id", flat=True)) == paysheets
