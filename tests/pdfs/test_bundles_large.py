"""Downloading the PDFs of a whole list of hundreds: a page view cannot read them all within Quipu's rate
limit, so the bundle's job reads them first (the page shows its progress), then fetches the PDFs without
asking again: the user already confirmed the download."""

import io
import time

import pytest
from pypdf import PdfReader

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.jobs.services import job_run_chunk
from quipu_portal.pdfs.models import Bundle
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import PAGE_SIZE, selection_from_query, selection_list_page
from tests.helpers import read_to_end

from .test_bundles import run_job, zip_of

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# Every invoice of the demo workshop: several hundred, income ones with a PDF, expenses without.
EVERY_INVOICE = ""


@pytest.fixture
def quipu_account(sandbox):
    """The demo car workshop: about 1,300 documents over three years."""
    return sandbox.create_account("Talleres Ebro S.L.", seed="demo")


def listed(quipu, query: str) -> tuple[int, int]:
    """How many invoices the list shows, and how many of them have a PDF (the income ones)."""
    connection_reverse("invoices:list")  # the document lists register themselves when the URLs load
    total = selection_list_page(
        client=quipu,
        selection=selection_from_query(admin=REGISTRY["invoices"], query=query, ids=None),
        page=1,
    ).total_results
    income = query + ("&" if query else "") + "kind=income"
    with_pdf = selection_list_page(
        client=quipu,
        selection=selection_from_query(admin=REGISTRY["invoices"], query=income, ids=None),
        page=1,
    ).total_results
    return total, with_pdf


def download_all(portal, query=EVERY_INVOICE, format="zip"):
    data = {"select_across": "1", "query": query, "format": format, "confirm": "yes"}
    return portal.post(connection_reverse("pdfs:bundle-start", args=["invoices"]), data)


def test_the_pdfs_of_a_whole_list_are_read_in_the_background_then_fetched_without_asking_again(
    portal, quipu, django_capture_on_commit_callbacks
):
    total, with_pdf = listed(quipu, EVERY_INVOICE)
    assert with_pdf > 2 * PAGE_SIZE and total > with_pdf

    with django_capture_on_commit_callbacks() as callbacks:
        response = download_all(portal)
    bundle = Bundle.objects.get()
    url = connection_reverse("pdfs:bundle", args=[bundle.pk])
    assert response["Location"] == url
    assert len(callbacks) == 1  # the job's first task, which reads the rest of the list
    job = bundle.job
    assert job.status == JobStatus.PREPARING

    page = portal.get(url).content.decode()
    assert f"Reading {total} documents from Quipu… 100 read." in page
    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="bundle-download"' not in page
    assert portal.get(url, headers=HX).status_code == 200
    # Its job page is the bundle's page.
    assert portal.get(connection_reverse("jobs:detail", args=[job.pk]))["Location"] == url

    job = read_to_end(job)
    assert job.status == JobStatus.PENDING  # no second confirmation
    assert job.total == with_pdf == bundle.documents.count()
    assert run_job(job.pk) == JobStatus.FINISHED

    bundle.refresh_from_db()
    archive = zip_of(portal, bundle)
    assert len([name for name in archive.namelist() if name.endswith(".pdf")]) == with_pdf
    assert f"{with_pdf} PDFs" in bundle.title
    done = portal.get(url, headers=HX)
    assert done.status_code == 286
    html = done.content.decode()
    assert f"{total - with_pdf} selected documents have no PDF in Quipu (expenses) and were left out." in html
    assert 'data-testid="bundle-download"' in html


@pytest.mark.slow
def test_at_quipus_real_rate_limit_the_page_answers_at_once_and_the_task_reads_the_rest(
    portal, quipu, sandbox, quipu_account, settings
):
    total, with_pdf = listed(quipu, EVERY_INVOICE)
    assert total > 4 * PAGE_SIZE  # more pages than one page view could read at 5 requests per 5 s
    settings.QUIPU_RATE_LIMIT = "5/5s"
    sandbox.set_rate(5, 5.0, app_id=quipu_account["app_id"])
    time.sleep(5)  # the requests made to arrange the test leave the window

    started = time.monotonic()
    response = download_all(portal)
    seconds = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    assert seconds < settings.QUIPU_PAGE_WAIT_LIMIT_SECONDS
    bundle = Bundle.objects.get()
    assert response["Location"] == connection_reverse("pdfs:bundle", args=[bundle.pk])
    job = read_to_end(bundle.job)
    assert job.status == JobStatus.PENDING
    assert job.total == with_pdf
    assert sandbox.stats()["accounts"][quipu_account["app_id"]]["over_limit"] == 0


def test_a_fault_while_reading_says_so_and_trying_again_carries_on(
    portal, quipu, sandbox, quipu_account, settings
):
    settings.QUIPU_JOB_CHUNK_SECONDS = 0  # one page per task, so Quipu can fail halfway
    download_all(portal)
    bundle = Bundle.objects.get()
    job_run_chunk(job_id=bundle.job_id)
    sandbox.set_faults(app_id=quipu_account["app_id"], p500=1.0, seed=1)
    try:
        job = read_to_end(bundle.job)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])
    assert job.status == JobStatus.PREPARATION_FAILED
    url = connection_reverse("pdfs:bundle", args=[bundle.pk])
    polled = portal.get(url, headers=HX)
    assert polled.status_code == 286
    html = polled.content.decode()
    assert "Reading the documents from Quipu stopped: Quipu had an internal error. Try again later." in html
    assert "200 documents were read before it stopped." in html
    assert f'formaction="{connection_reverse("pdfs:bundle-resume", args=[bundle.pk])}"' in html

    assert portal.post(connection_reverse("pdfs:bundle-resume", args=[bundle.pk]))["Location"] == url
    job = read_to_end(job)
    assert job.status == JobStatus.PENDING and job.message == ""
    assert job.total == listed(quipu, EVERY_INVOICE)[1] == bundle.documents.count()


def test_cancelling_while_reading_drops_the_download(portal, quipu):
    download_all(portal)
    bundle = Bundle.objects.get()
    job_id = bundle.job_id
    response = portal.post(connection_reverse("pdfs:bundle-cancel", args=[bundle.pk]))
    assert response["Location"] == connection_reverse("pdfs:bundles")
    assert not Bundle.objects.exists() and not Job.objects.exists()
    assert job_run_chunk(job_id=job_id) == "gone"


def test_another_user_cannot_see_or_cancel_a_download_being_read(client, other_user, portal, quipu):
    download_all(portal)
    bundle = Bundle.objects.get()
    client.force_login(other_user)
    assert client.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).status_code == 404
    for name in ("pdfs:bundle-cancel", "pdfs:bundle-resume"):
        assert client.post(connection_reverse(name, args=[bundle.pk])).status_code == 404, name
    bundle.job.refresh_from_db()
    assert bundle.job.status == JobStatus.PREPARING


def test_a_whole_list_of_more_than_500_documents_becomes_one_merged_pdf(portal, quipu):
    """There is no cap on a merged PDF any more (it is written document by document): a selection of
    more than 500 documents is read by the job, then every income invoice's PDF is merged."""
    total, with_pdf = listed(quipu, EVERY_INVOICE)
    assert total > 500

    response = download_all(portal, format="pdf")

    bundle = Bundle.objects.get()
    assert response["Location"] == connection_reverse("pdfs:bundle", args=[bundle.pk])
    job = read_to_end(bundle.job)
    assert job.total == with_pdf
    assert run_job(job.pk) == JobStatus.FINISHED
    merged = portal.get(connection_reverse("pdfs:bundle-file", args=[bundle.pk]))
    assert merged["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(merged.streaming_content)))
    assert len(reader.outline) == with_pdf
    assert len(reader.pages) >= with_pdf


def test_a_bundle_whose_reading_failed_and_was_left_goes_with_its_job_after_a_day(
    portal, accountant, connection
):
    import datetime

    from django.utils import timezone

    from quipu_portal.jobs.services import job_sweep
    from quipu_portal.pdfs.kinds import PDF_BUNDLE

    job = Job.objects.create(
        owner=accountant,
        connection=connection,
        kind=PDF_BUNDLE,
        title="PDFs",
        status=JobStatus.PREPARATION_FAILED,
    )
    bundle = Bundle.objects.create(owner=accountant, connection=connection, job=job, title="PDFs")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))

    job_sweep()

    assert not Bundle.objects.filter(pk=bundle.pk).exists()
    assert portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).status_code == 404
    assert portal.get(connection_reverse("pdfs:bundles")).status_code == 200
