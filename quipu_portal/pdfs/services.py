"""Invoice PDFs: one streamed through the portal, or many collected into a ZIP or one merged PDF."""

import datetime
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from quipu_portal.jobs.models import ItemState, Job, JobItem, JobKind
from quipu_portal.jobs.services import job_create, job_start
from quipu_portal.pdfs.archive import (
    PDF_MAGIC,
    IndexLine,
    NotAPdfError,
    bundle_folder,
    bundles_root,
    folder_delete,
    index_csv,
    merged_pdf_write,
    pdf_is_complete,
    pdf_write,
    stored_pdf_path,
    zip_write,
)
from quipu_portal.pdfs.documents import PDF_RESOURCES, PdfDocument, pdf_document_from
from quipu_portal.pdfs.filenames import pdf_filename, unique_name
from quipu_portal.pdfs.models import Bundle, BundleDocument, BundleFormat
from quipu_portal.quipu.errors import QuipuNotFoundError
from quipu_portal.resource_admin import services as resource_services

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfStream:
    document: PdfDocument
    chunks: Iterator[bytes]
    length: int | None


def pdf_document_get(*, client, resource: str, document_id: str) -> PdfDocument:
    """The document's PDF facts, read from Quipu; QuipuNotFoundError when it has no PDF."""
    if resource not in PDF_RESOURCES:
        raise QuipuNotFoundError("This kind of document has no PDF")
    document = pdf_document_from(client.retrieve(resource, document_id))
    if document is None:
        raise QuipuNotFoundError("This document has no PDF")
    return document


def pdf_stream_open(*, client, document: PdfDocument) -> PdfStream:
    """Start the download and read its first chunk, so that errors surface before the browser gets bytes."""
    download = client.download(document.pdf_url)
    chunks = download.iter_content()
    try:
        first = next(chunks, b"")
        if download.content_type not in ("application/pdf", "application/octet-stream", ""):
            raise NotAPdfError(f"Quipu sent {download.content_type}, not a PDF")
        if not first.startswith(PDF_MAGIC):
            raise NotAPdfError("The file Quipu sent is not a PDF")
    except BaseException:
        download.close()
        raise
    return PdfStream(document=document, chunks=itertools.chain([first], chunks), length=download.length)


def pdf_store(*, client, document: PdfDocument, folder) -> tuple[bool, int]:
    """Fetch the document's PDF into the bundle folder unless a complete copy is already there.

    Returns ``(fetched, size)``: ``fetched`` is False when the file was kept from an earlier run
    (a worker killed after the rename but before the item was marked done refetches nothing).
    """
    path = stored_pdf_path(folder, document.document_id)
    if pdf_is_complete(path):
        return False, path.stat().st_size
    with client.download(document.pdf_url) as download:
        size = pdf_write(download.iter_content(), path)
    return True, size


# Bundles: many PDFs in one file --------------------------------------------------------------------

SELECT_PAGE_SIZE = 100


@dataclass(frozen=True)
class Selection:
    documents: list[PdfDocument]
    without_pdf: int  # selected documents Quipu has no PDF for (expenses), left out
    ignored_filters: tuple[str, ...] = ()  # filters Quipu visibly did not apply: the selection is wrong


def bundle_documents_select(*, client, admin, filters: dict, ids: list[str] | None = None) -> Selection:
    """The documents of a list with a PDF: all that match ``filters``, or only ``ids`` among them.

    Reads the list in pages of 100 (one request per 100 documents) and keeps each row's number,
    date, counterparty and total for the archive's index, so the job only has to fetch the PDFs.
    """
    wanted = set(ids) if ids is not None else None
    documents: list[PdfDocument] = []
    seen: set[str] = set()
    ignored: set[str] = set()
    without_pdf = 0
    number = 1
    while True:
        page = resource_services.document_list(
            client=client,
            admin=admin,
            filters=filters,
            sort=list(admin.default_sort),
            page=number,
            page_size=SELECT_PAGE_SIZE,
        )
        ignored.update(page.ignored_filters)
        for record in page.records:
            if (wanted is not None and record.id not in wanted) or record.id in seen:
                continue
            seen.add(record.id)
            document = pdf_document_from(record)
            if document is None:
                without_pdf += 1
            else:
                documents.append(document)
        if (
            not page.records
            or page.current_page >= page.total_pages
            or (wanted is not None and wanted <= seen)
        ):
            break
        number = page.current_page + 1
    return Selection(documents=documents, without_pdf=without_pdf, ignored_filters=tuple(sorted(ignored)))


def bundle_title(*, admin, filters: dict, count: int) -> str:
    parts = [str(admin.verbose_name_plural).capitalize()]
    period = filters.get("period")
    if isinstance(period, dict):
        parts.append(f"{period['from']} – {period['to']}")
    elif period:
        parts.append(str(period))
    if filters.get("kind") == "income":
        parts.append(gettext("income"))
    parts.append(ngettext("%(count)d PDF", "%(count)d PDFs", count) % {"count": count})
    return " · ".join(parts)[:200]


@transaction.atomic
def bundle_create(*, owner, connection, documents: list[PdfDocument], format: str, title: str) -> Bundle:
    """The bundle, one row per document, and its ``pdf_bundle`` job (enqueued when this commits)."""
    bundle = Bundle.objects.create(owner=owner, connection=connection, format=format, title=title)
    BundleDocument.objects.bulk_create(
        BundleDocument(
            bundle=bundle,
            position=position,
            resource=document.resource,
            document_id=document.document_id,
            pdf_url=document.pdf_url,
            number=document.number[:100],
            issue_date=document.issue_date,
            counterparty=document.counterparty[:300],
            total=document.total,
        )
        for position, document in enumerate(documents)
    )
    bundle_job_start(bundle=bundle)
    return bundle


def bundle_job_start(*, bundle: Bundle) -> Job:
    """Create and queue the bundle's ``pdf_bundle`` job: one item per document."""
    items = [
        JobItem(
            resource=row.resource, document_id=row.document_id, label=f"{row.number} {row.counterparty}"[:200]
        )
        for row in bundle.documents.all()
    ]
    job = job_create(
        owner=bundle.owner,
        connection=bundle.connection,
        kind=JobKind.PDF_BUNDLE,
        title=bundle.title,
        params={"bundle": bundle.pk, "format": bundle.format},
        items=items,
    )
    bundle.job = job
    bundle.save(update_fields=["job"])
    return job_start(job=job)


def bundle_failures(*, bundle: Bundle) -> list[dict]:
    """The documents whose PDF could not be fetched, and why."""
    if bundle.job_id is None:
        return []
    errors = dict(
        JobItem.objects.filter(job_id=bundle.job_id, state=ItemState.FAILED).values_list(
            "document_id", "error"
        )
    )
    if not errors:
        return []
    rows = bundle.documents.filter(document_id__in=errors)
    return [{"document": row, "error": errors[row.document_id]} for row in rows]


def bundle_get(*, owner, bundle_id) -> Bundle:
    """The owner's bundle, or 404: another user's bundle reads exactly like a missing one."""
    try:
        return Bundle.objects.select_related("job").get(owner=owner, pk=int(bundle_id))
    except (Bundle.DoesNotExist, ValueError, TypeError):
        raise Http404("No such download.") from None


def bundle_list(*, owner) -> QuerySet[Bundle]:
    return Bundle.objects.filter(owner=owner).select_related("job")


def _as_pdf_document(row: BundleDocument) -> PdfDocument:
    return PdfDocument(
        resource=row.resource,
        document_id=row.document_id,
        pdf_url=row.pdf_url,
        number=row.number,
        issue_date=row.issue_date,
        counterparty=row.counterparty,
        total=row.total,
    )


def bundle_document_fetch(*, client, bundle: Bundle, row: BundleDocument) -> bool:
    """Fetch one document's PDF into the bundle's folder; False when it was already there."""
    fetched, _size = pdf_store(client=client, document=_as_pdf_document(row), folder=bundle_folder(bundle.pk))
    return fetched


def bundle_assemble(*, bundle: Bundle, problems: dict[str, str] | None = None) -> Bundle:
    """Build the ZIP (or the merged PDF) from the PDFs fetched so far, with the index; mark it ready.

    ``problems`` maps a document id to why its PDF is missing; it goes into the index.
    """
    problems = problems or {}
    folder = bundle_folder(bundle.pk)
    taken: set[str] = set()
    members, lines = [], []
    for row in bundle.documents.all().iterator():
        document = _as_pdf_document(row)
        path = stored_pdf_path(folder, row.document_id)
        complete = pdf_is_complete(path)
        name = unique_name(document.filename, taken) if complete else ""
        if complete:
            members.append((path, name))
        lines.append(
            IndexLine(
                number=row.number,
                issue_date=row.issue_date,
                counterparty=row.counterparty,
                total=row.total,
                filename=name,
                problem="" if complete else problems.get(row.document_id) or gettext("Not downloaded"),
            )
        )
    stem = pdf_filename(number=bundle.title.replace(" · ", "_"), fallback=f"pdfs-{bundle.pk}").removesuffix(
        ".pdf"
    )
    if bundle.format == BundleFormat.MERGED:
        file_name = f"{stem}.pdf"
        size = merged_pdf_write(members=members, target=folder / file_name)
    else:
        file_name = f"{stem}.zip"
        size = zip_write(members=members, index=index_csv(lines), target=folder / file_name)
    for old in folder.glob("*"):
        if old.is_file() and old.name != file_name and old.suffix in (".zip", ".pdf"):
            old.unlink(missing_ok=True)  # an earlier assembly (before "retry failed") under another name
    now = timezone.now()
    bundle.file_name = file_name
    bundle.file_size = size
    bundle.pdf_count = len(members)
    bundle.failed_count = len(lines) - len(members)
    bundle.finished_at = now
    bundle.expires_at = now + datetime.timedelta(days=settings.QUIPU_FILE_RETENTION_DAYS)
    bundle.deleted_at = None
    bundle.save(
        update_fields=[
            "file_name",
            "file_size",
            "pdf_count",
            "failed_count",
            "finished_at",
            "expires_at",
            "deleted_at",
        ]
    )
    logger.info(
        "Bundle %s built: %s PDFs, %s missing, %s bytes", bundle.pk, len(members), bundle.failed_count, size
    )
    return bundle


def bundle_file_path(*, bundle: Bundle):
    """The finished archive on disk, or None (not built yet, expired, or removed)."""
    if not bundle.is_ready:
        return None
    path = bundle_folder(bundle.pk) / bundle.file_name
    return path if path.is_file() else None


def bundle_expired_delete(*, now=None) -> int:
    """Remove the files of bundles past their expiry date (and folders of bundles that no longer exist)."""
    now = now or timezone.now()
    count = 0
    for bundle in Bundle.objects.filter(expires_at__lte=now, deleted_at__isnull=True):
        folder_delete(bundle_folder(bundle.pk))
        Bundle.objects.filter(pk=bundle.pk).update(deleted_at=now)
        count += 1
    root = bundles_root()
    if root.is_dir():
        known = set(Bundle.objects.values_list("pk", flat=True))
        for folder in root.iterdir():
            if folder.is_dir() and folder.name.isdigit() and int(folder.name) not in known:
                folder_delete(folder)
    if count:
        logger.info("Removed the files of %s expired PDF bundles", count)
    return count
