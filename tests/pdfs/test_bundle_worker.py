"""The ``pdf_bundle`` job in a real django-q cluster: 300 PDFs with flat memory, and a killed worker.

Run with ``-s`` to see the measured peak memory of the worker.
"""

import csv
import io
import time
import zipfile

import pytest
from pypdf import PdfReader

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.pdfs.models import Bundle
from quipu_portal.quipu.records import ItemInput, RecordInput
from tests.jobs.cluster import print_log_tail

from .worker import Cluster

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEAK_MEMORY_LIMIT_MIB = 150
QUARTER = {"period": "quarter", "year": "2024", "quarter": "2", "kind": "income"}
QUARTER_QUERY = "period=quarter&year=2024&quarter=2&kind=income"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path / "files"


@pytest.fixture
def cluster_factory(tmp_path):
    started = []

    def start(rate: str) -> Cluster:
        cluster = Cluster(tmp_path, rate=rate).start()
        started.append(cluster)
        return cluster

    yield start
    for cluster in started:
        cluster.stop()
    if started:
        print_log_tail(tmp_path / "cluster.log")


def create_income_invoices(quipu, count: int) -> None:
    """``count`` income invoices issued in 2024-Q2 (the small seed has none there)."""
    contacts = [contact.id for contact in quipu.list("contacts", page_size=8).records]
    for n in range(count):
        quipu.create(
            "invoices",
            RecordInput(
                attributes={"kind": "income", "issue_date": f"2024-{4 + n % 3:02d}-{1 + n % 28:02d}"},
                relationships={"contact": contacts[n % len(contacts)]},
                items=[
                    ItemInput(
                        attributes={
                            "concept": f"Revisión {n}",
                            "unitary_amount": "100.00",
                            "quantity": "1",
                            "vat_percent": "21",
                        }
                    )
                ],
            ),
        )


def start_quarter_bundle(portal, count: int) -> Bundle:
    """Filter the quarter's income invoices, "select all N matching", Download PDFs, Start."""
    url = connection_reverse("pdfs:bundle-start", args=["invoices"])
    confirm = portal.post(url, {"select_across": "1", "query": QUARTER_QUERY})
    assert f"Download the PDFs of {count} documents?" in confirm.content.decode()
    response = portal.post(
        url, {"select_across": "1", "query": QUARTER_QUERY, "confirm": "yes", "format": "zip"}
    )
    assert response.status_code == 302
    return Bundle.objects.latest("pk")


def wait_for_job(job_id: int, *, timeout: float, until=None) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if (until and until(job)) or (until is None and job.is_done):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {Job.objects.get(pk=job_id).status} after {timeout} s")


def zip_from(portal, bundle) -> zipfile.ZipFile:
    response = portal.get(connection_reverse("pdfs:bundle-file", args=[bundle.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def stored(bundle) -> dict[str, tuple[int, int]]:
    """The PDFs in the bundle's folder: name -> (inode, mtime); a refetch would give a new inode."""
    folder = bundle.folder / "pdfs"
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in folder.glob("*.pdf")}


def test_a_zip_of_300_pdfs_keeps_the_worker_memory_flat(portal, quipu, cluster_factory):
    create_income_invoices(quipu, 300)
    bundle = start_quarter_bundle(portal, 300)
    cluster = cluster_factory("1000/5s")

    job = wait_for_job(bundle.job_id, timeout=240)
    cluster.stop()

    assert job.status == JobStatus.FINISHED and job.changed_count == 300 and job.failed_count == 0
    peak = cluster.sampler.peak_process_mib
    print(f"\npdf_bundle over 300 PDFs: worker peak RSS {peak:.1f} MiB")
    assert 0 < peak < PEAK_MEMORY_LIMIT_MIB
    bundle.refresh_from_db()
    archive = zip_from(portal, bundle)
    assert archive.testzip() is None
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert len(pdfs) == 300 and len(archive.namelist()) == 301
    for name in pdfs:
        reader = PdfReader(io.BytesIO(archive.read(name)))
        assert len(reader.pages) >= 1
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert len(index) == 300 and sorted(row["File"] for row in index) == sorted(pdfs)
    assert all(row["Date"].startswith("2024-0") and row["Total"] == "121.00" for row in index)


def test_a_killed_worker_resumes_without_fetching_again(
    portal, quipu, sandbox, quipu_account, cluster_factory
):
    create_income_invoices(quipu, 60)
    bundle = start_quarter_bundle(portal, 60)
    # Slow enough (10 a second on both sides) to pull the plug in the middle of the job.
    sandbox.set_rate(10, 1, quipu_account["app_id"])
    try:
        first = cluster_factory("10/1s")
        wait_for_job(bundle.job_id, timeout=60, until=lambda job: len(stored(bundle)) >= 20)
        first.kill()
        kept = stored(bundle)
        requests_at_kill = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"]
        assert 20 <= len(kept) < 60
        time.sleep(6)  # the dead worker's lease on the job runs out

        cluster_factory("10/1s")
        job = wait_for_job(bundle.job_id, timeout=120)
    finally:
        sandbox.set_rate(1000, 5, quipu_account["app_id"])

    assert job.status == JobStatus.FINISHED and job.changed_count == 60
    after = stored(bundle)
    assert {name: after[name] for name in kept} == kept  # not one of them written again
    requests = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"] - requests_at_kill
    print(f"\nkilled with {len(kept)} of 60 PDFs on disk; {requests} requests after the restart")
    # One download per missing PDF, plus at most a token for the new worker.
    assert 60 - len(kept) <= requests <= 60 - len(kept) + 1
    bundle.refresh_from_db()
    assert len([n for n in zip_from(portal, bundle).namelist() if n.endswith(".pdf")]) == 60
