"""Many PDFs in one file: chosen from a list, built by a ``pdf_bundle`` job, only for their owner."""

import csv
import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation
from pypdf import PdfReader

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.files.services import generated_files_expired_delete
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.jobs.services import job_run_chunk
from quipu_portal.pdfs.models import Bundle
from tests.helpers import form_data


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def run_job(job_id: int) -> str:
    """What the django-q worker does, in-process: chunks until the job is over."""
    for _ in range(100):
        result = job_run_chunk(job_id=job_id)
        if result not in ("more", "busy"):
            return result
    raise AssertionError("the job did not finish")


def start_bundle(portal, data, django_capture_on_commit_callbacks, namespace="invoices"):
    url = connection_reverse("pdfs:bundle-start", args=[namespace])
    confirm = portal.post(url, data)
    assert confirm.status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = portal.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    bundle = Bundle.objects.latest("pk")
    assert response["Location"] == connection_reverse("pdfs:bundle", args=[bundle.pk])
    assert len(callbacks) == 1  # the job's first task, sent once the bundle is saved
    return bundle, confirm, response


def zip_of(portal, bundle) -> zipfile.ZipFile:
    bundle.refresh_from_db()
    response = portal.get(connection_reverse("pdfs:bundle-file", args=[bundle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{bundle.file_name}"'
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def index_rows(archive, delimiter=",") -> list[dict]:
    """The index as its columns' headers name them (an English owner's unless told otherwise)."""
    return list(
        csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig")), delimiter=delimiter)
    )


def test_ticked_rows_become_a_zip_with_an_index(portal, quipu, django_capture_on_commit_callbacks):
    rows = quipu.list("book_entries", filters={"type": "invoices"}, page_size=50).records
    income = [r for r in rows if r.kind == "income"][:3]
    expense = next(r for r in rows if r.kind == "expenses")
    ids = [r.id for r in income] + [expense.id]

    bundle, confirm, response = start_bundle(
        portal, {"ids": ids, "query": ""}, django_capture_on_commit_callbacks
    )

    assert "Download the PDFs of 4 documents?" in confirm.content.decode()
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes == ["1 selected document has no PDF in Quipu (an expense) and was left out."]
    page = portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).content.decode()
    assert "0 of 3 PDFs" in page and connection_reverse("pdfs:bundle-file", args=[bundle.pk]) not in page

    assert run_job(bundle.job_id) == JobStatus.FINISHED

    page = portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).content.decode()
    assert "3 of 3 PDFs" in page and connection_reverse("pdfs:bundle-file", args=[bundle.pk]) in page
    assert bundle.title in portal.get(connection_reverse("pdfs:bundles")).content.decode()
    job_page = portal.get(connection_reverse("jobs:detail", args=[bundle.job_id])).content.decode()
    assert connection_reverse("pdfs:bundle", args=[bundle.pk]) in job_page
    archive = zip_of(portal, bundle)
    index = index_rows(archive)
    assert {row["Number"] for row in index} == {r.number for r in income}
    for record in income:
        row = next(row for row in index if row["Number"] == record.number)
        assert row["Date"] == record.issue_date.isoformat()
        assert row["Contact"] == record.recipient_name
        assert row["Total"] == f"{record.total_amount:.2f}"
        assert row["Problem"] == ""
        pdf = PdfReader(io.BytesIO(archive.read(row["File"])))
        assert record.number in pdf.pages[0].extract_text()
    assert sorted(archive.namelist()) == sorted(["index.csv", *(row["File"] for row in index)])


def test_the_htmx_progress_region_stops_polling_when_the_job_is_over(
    portal, quipu, django_capture_on_commit_callbacks
):
    invoice = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}).records[0]
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [invoice.id]}, django_capture_on_commit_callbacks
    )
    url = connection_reverse("pdfs:bundle", args=[bundle.pk])

    running = portal.get(url, headers={"HX-Request": "true"})
    assert running.status_code == 200 and "<html" not in running.content.decode()
    assert 'hx-trigger="every 2s"' in running.content.decode()

    run_job(bundle.job_id)
    done = portal.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 286
    assert "hx-trigger" not in done.content.decode() and "Download the ZIP" in done.content.decode()


def test_one_merged_pdf_instead_of_a_zip(portal, quipu, django_capture_on_commit_callbacks):
    income = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}, page_size=3).records
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [r.id for r in income], "format": "pdf"}, django_capture_on_commit_callbacks
    )

    run_job(bundle.job_id)

    response = portal.get(connection_reverse("pdfs:bundle-file", args=[bundle.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    texts = " ".join(page.extract_text() for page in reader.pages)
    assert all(r.number in texts for r in income)
    assert len(reader.outline) == 3


def test_another_users_bundle_urls_give_404(
    portal, quipu, client, other_user, django_capture_on_commit_callbacks
):
    invoice = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}).records[0]
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [invoice.id]}, django_capture_on_commit_callbacks
    )
    run_job(bundle.job_id)
    client.force_login(other_user)

    for name in ("pdfs:bundle", "pdfs:bundle-file"):
        assert client.get(connection_reverse(name, args=[bundle.pk])).status_code == 404
    for name in ("pdfs:bundle-cancel", "pdfs:bundle-resume"):
        assert client.post(connection_reverse(name, args=[bundle.pk])).status_code == 404
    assert bundle.title not in client.get(connection_reverse("pdfs:bundles")).content.decode()


def test_a_pdf_quipu_cannot_find_is_listed_as_a_failure(portal, quipu, django_capture_on_commit_callbacks):
    income = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}, page_size=2).records
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [r.id for r in income]}, django_capture_on_commit_callbacks
    )
    quipu.delete("invoices", income[0].id)

    run_job(bundle.job_id)

    page = portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).content.decode()
    assert "1 PDF could not be fetched" in page and income[0].number in page
    index = index_rows(zip_of(portal, bundle))
    failed = next(row for row in index if row["Number"] == income[0].number)
    assert failed["File"] == "" and "Quipu has no such record" in failed["Problem"]
    assert next(row for row in index if row["Number"] == income[1].number)["File"]


def test_a_spanish_owner_gets_an_index_in_spanish_for_a_spanish_spreadsheet(
    portal, accountant, quipu, django_capture_on_commit_callbacks
):
    user_language_set(user=accountant, language="es")
    income = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}, page_size=2).records
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [r.id for r in income]}, django_capture_on_commit_callbacks
    )
    quipu.delete("invoices", income[0].id)

    with translation.override("en"):  # the worker's own language does not matter: the owner's does
        run_job(bundle.job_id)

    archive = zip_of(portal, bundle)
    assert (
        archive.read("index.csv")
        .decode("utf-8-sig")
        .startswith("Número;Fecha;Contacto;Total;Archivo;Incidencia\r\n")
    )
    index = index_rows(archive, delimiter=";")
    failed = next(row for row in index if row["Número"] == income[0].number)
    assert failed["Archivo"] == "" and failed["Incidencia"].startswith("Quipu no tiene ese registro.")
    fetched = next(row for row in index if row["Número"] == income[1].number)
    assert fetched["Fecha"] == income[1].issue_date.strftime("%d/%m/%Y")
    assert fetched["Total"] == f"{income[1].total_amount:.2f}".replace(".", ",")
    assert fetched["Contacto"] == income[1].recipient_name and fetched["Incidencia"] == ""


def test_expired_files_are_removed_and_the_page_says_so(
    portal, quipu, media_root, django_capture_on_commit_callbacks
):
    invoice = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}).records[0]
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [invoice.id]}, django_capture_on_commit_callbacks
    )
    run_job(bundle.job_id)
    bundle.refresh_from_db()
    folder = media_root / "bundles" / str(bundle.pk)
    assert (folder / bundle.file_name).is_file()
    assert bundle.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)

    assert generated_files_expired_delete(now=bundle.expires_at - datetime.timedelta(minutes=1)) == 0
    assert (folder / bundle.file_name).is_file()
    assert generated_files_expired_delete(now=bundle.expires_at + datetime.timedelta(minutes=1)) == 1

    assert not folder.exists()
    response = portal.get(connection_reverse("pdfs:bundle-file", args=[bundle.pk]))
    assert response.status_code == 302
    assert "expired" in [str(m) for m in get_messages(response.wsgi_request)][0]


def test_nothing_ticked_or_nothing_with_a_pdf_starts_no_job(portal, quipu):
    expense = quipu.list("book_entries", filters={"type": "invoices", "kind": "expenses"}).records[0]
    url = connection_reverse("pdfs:bundle-start", args=["invoices"])

    nothing = portal.post(url, {"query": "kind=income"})
    no_pdf = portal.post(url, {"ids": [expense.id], "confirm": "yes"})

    assert nothing["Location"] == connection_reverse("invoices:list") + "?kind=income"
    assert no_pdf.status_code == 302
    assert not Job.objects.exists() and not Bundle.objects.exists()
    assert (
        portal.post(connection_reverse("pdfs:bundle-start", args=["paysheets"]), {"ids": ["1"]}).status_code
        == 404
    )


def test_the_cleanup_is_scheduled_and_also_a_command(
    portal, quipu, media_root, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django_q.models import Schedule

    invoice = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}).records[0]
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [invoice.id]}, django_capture_on_commit_callbacks
    )
    run_job(bundle.job_id)
    Bundle.objects.filter(pk=bundle.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    out = io.StringIO()

    call_command("delete_expired_files", stdout=out)

    assert "Deleted 1 expired file(s)." in out.getvalue()
    assert not (media_root / "bundles" / str(bundle.pk)).exists()
    schedule = Schedule.objects.get(func="quipu_portal.files.tasks.delete_expired_files")
    assert schedule.schedule_type == Schedule.HOURLY and schedule.repeats == -1
    page = portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).content.decode()
    assert "This file has expired and was deleted." in page


def test_a_cancelled_bundle_can_be_resumed(portal, quipu, django_capture_on_commit_callbacks):
    income = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}, page_size=2).records
    bundle, _confirm, _response = start_bundle(
        portal, {"ids": [r.id for r in income]}, django_capture_on_commit_callbacks
    )

    portal.post(connection_reverse("pdfs:bundle-cancel", args=[bundle.pk]))
    assert run_job(bundle.job_id) == JobStatus.CANCELLED
    page = portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).content.decode()
    assert "Cancelled" in page and "Resume" in page
    assert connection_reverse("pdfs:bundle-file", args=[bundle.pk]) not in page

    with django_capture_on_commit_callbacks() as callbacks:
        portal.post(connection_reverse("pdfs:bundle-resume", args=[bundle.pk]))
    assert len(callbacks) == 1
    assert run_job(bundle.job_id) == JobStatus.FINISHED
    assert "2 of 2 PDFs" in portal.get(connection_reverse("pdfs:bundle", args=[bundle.pk])).content.decode()


def test_the_document_lists_with_pdfs_offer_the_bulk_button(portal):
    start = connection_reverse("pdfs:bundle-start", args=["invoices"])
    assert f'formaction="{start}"' in portal.get(connection_reverse("invoices:list")).content.decode()
    simplified = connection_reverse("pdfs:bundle-start", args=["simplified_invoices"])
    assert (
        f'formaction="{simplified}"'
        in portal.get(connection_reverse("simplified_invoices:list")).content.decode()
    )
    assert "Download PDFs" not in portal.get(connection_reverse("additional_income:list")).content.decode()


def test_a_double_click_on_start_makes_one_bundle(portal, quipu, django_capture_on_commit_callbacks):
    rows = quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}, page_size=5).records
    url = connection_reverse("pdfs:bundle-start", args=["invoices"])
    confirm = portal.post(url, {"ids": [row.id for row in rows[:2]]})
    data = form_data(confirm, "bundle-confirm-form")

    with django_capture_on_commit_callbacks() as callbacks:
        first = portal.post(url, data)
        second = portal.post(url, data)

    bundle = Bundle.objects.get()
    assert first["Location"] == second["Location"] == connection_reverse("pdfs:bundle", args=[bundle.pk])
    assert Job.objects.count() == 1 and len(callbacks) == 1
