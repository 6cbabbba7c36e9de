"""Invoice PDFs: one streamed through the portal, or many collected into a ZIP or one merged PDF."""

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext, ngettext

from quipu_portal.files.filenames import pdf_filename, unique_name
from quipu_portal.files.services import generated_file_finish
from quipu_portal.jobs.models import ItemState, Job, JobItem
from quipu_portal.jobs.services import job_create, job_discard, job_start
from quipu_portal.pdfs.archive import (
    PDF_MAGIC,
    IncompletePdfError,
    IndexLine,
    NotAPdfError,
    index_csv,
    merged_pdf_write,
    pdf_is_complete,
    pdf_write,
    stored_pdf_path,
    zip_write,
)
from quipu_portal.pdfs.documents import PDF_RESOURCES, PdfDocument, pdf_document_from
from quipu_portal.pdfs.kinds import PDF_BUNDLE
from quipu_portal.pdfs.models import Bundle, BundleDocument, BundleFormat
from quipu_portal.quipu.errors import QuipuNotFoundError, QuipuUnavailableError
from quipu_portal.resource_admin.selection import (
    Selection,
    SelectionError,
    selection_page_read,
    selection_read_in_request,
    selection_title_parts,
)

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


# A download cut short is asked for again (a GET repeats safely) this many times in all.
PDF_DOWNLOAD_TRIES = 3
PDF_HEAD_SIZE = 64 * 1024


def pdf_stream_open(*, client, document: PdfDocument) -> PdfStream:
    """Start the download and read its first chunk, so that errors surface before the browser gets bytes.

    A download cut within that chunk (most invoices fit in it) is fetched again; one cut later can only
    end the response short of its Content-Length, which the browser reports as a failed download."""
    for attempt in range(1, PDF_DOWNLOAD_TRIES + 1):
        download = client.download(document.pdf_url)
        chunks = download.iter_content()
        try:
            head = [next(chunks, b"")]
            if download.content_type not in ("application/pdf", "application/octet-stream", ""):
                raise NotAPdfError(f"Quipu sent {download.content_type}, not a PDF")
            if not head[0].startswith(PDF_MAGIC):
                raise NotAPdfError("The file Quipu sent is not a PDF")
            # Up to the first chunk's worth of the announced size, so that a short file is noticed here.
            wanted = min(download.length or 0, PDF_HEAD_SIZE)
            while sum(map(len, head)) < wanted and (more := next(chunks, None)) is not None:
                head.append(more)
        except QuipuUnavailableError:
            download.close()
            if attempt == PDF_DOWNLOAD_TRIES:
                raise
            logger.info("PDF of %s cut short; fetching it again", document.document_id)
            continue
        except BaseException:
            download.close()
            raise
        return PdfStream(document=document, chunks=itertools.chain(head, chunks), length=download.length)
    raise AssertionError("unreachable")


def pdf_store(*, client, document: PdfDocument, folder) -> tuple[bool, int]:
    """Fetch the document's PDF into the bundle folder unless a complete copy is already there.

    Returns ``(fetched, size)``: ``fetched`` is False when the file was kept from an earlier run
    (a worker killed after the rename but before the item was marked done refetches nothing). A download
    cut short is fetched again; nothing short of the whole file is ever stored.
    """
    path = stored_pdf_path(folder, document.document_id)
    if pdf_is_complete(path):
        return False, path.stat().st_size
    for attempt in range(1, PDF_DOWNLOAD_TRIES + 1):
        try:
            with client.download(document.pdf_url) as download:
                size = pdf_write(download.iter_content(), path, expected_size=download.length)
        except (QuipuUnavailableError, IncompletePdfError) as error:
            if attempt == PDF_DOWNLOAD_TRIES:
                if isinstance(error, IncompletePdfError):
                    raise QuipuUnavailableError(str(error)) from error
                raise
            logger.info("PDF of %s cut short; fetching it again", document.document_id)
            continue
        return True, size
    raise AssertionError("unreachable")


# Bundles: many PDFs in one file --------------------------------------------------------------------


def bundle_documents_of(records) -> tuple[list[PdfDocument], int]:
    """The documents of ``records`` with a PDF (each with its number, date, counterparty and total for
    the archive's index, so the job only has to fetch the PDFs), and how many have none (expenses)."""
    documents = [document for document in map(pdf_document_from, records) if document is not None]
    return documents, len(records) - len(documents)


def bundle_start(*, owner, connection, client, selection: Selection, format: str) -> Bundle:
    """A bundle of the selection's PDFs and its running ``pdf_bundle`` job. The user has confirmed:
    a selection larger than a page view may read is read by the job first, then fetched at once."""
    pages, reading = selection_read_in_request(client=client, selection=selection)
    documents, without_pdf = bundle_documents_of([record for page in pages for record in page.records])
    complete = reading["next_page"] is None
    if complete and not documents:
        raise SelectionError(gettext("None of the selected documents has a PDF in Quipu."))
    count = len(documents) if complete else reading["expected"]
    return bundle_create(
        owner=owner,
        connection=connection,
        documents=documents,
        format=format,
        title=bundle_title(admin=selection.admin, filters=selection.filters, count=count),
        selection=selection,
        without_pdf=without_pdf,
        preparing=None if complete else {**reading, "without_pdf": without_pdf},
    )


def bundle_read_page(*, client, bundle: Bundle, selection: Selection, reading: dict):
    """Read the next page of a bundle's selection: its documents with a PDF become the bundle's rows
    and the job's items. Returns the items and the reading state to carry on from."""
    page = selection_page_read(
        client=client,
        selection=selection,
        reading=reading,
    )
    documents, without_pdf = bundle_documents_of(page.records)
    _bundle_rows_add(bundle, documents)
    state = {**page.reading, "without_pdf": reading.get("without_pdf", 0) + without_pdf}
    if page.complete:
        count = bundle.documents.count()
        title = bundle_title(admin=selection.admin, filters=selection.filters, count=count)
        Bundle.objects.filter(pk=bundle.pk).update(title=title)
        Job.objects.filter(pk=bundle.job_id).update(title=title)
    return _job_items(documents), state


def bundle_title(*, admin, filters: dict, count: int) -> str:
    parts = selection_title_parts(admin=admin, filters=filters)
    if filters.get("kind") == "income":
        parts.append(gettext("income"))
    parts.append(ngettext("%(count)d PDF", "%(count)d PDFs", count) % {"count": count})
    return " · ".join(parts)[:200]


def bundle_create(
    *,
    owner,
    connection,
    documents: list[PdfDocument],
    format: str,
    title: str,
    selection: Selection | None = None,
    without_pdf: int = 0,
    preparing: dict | None = None,
) -> Bundle:
    """The bundle, one row per document, and its ``pdf_bundle`` job (enqueued when this commits).

    With ``preparing`` (the reading state of ``selection``), the job reads the rest of the selection
    first, then fetches the PDFs."""
    with transaction.atomic():
        bundle = Bundle.objects.create(owner=owner, connection=connection, format=format, title=title)
        _bundle_rows_add(bundle, documents)
        params = {"bundle": bundle.pk, "format": bundle.format, "without_pdf": without_pdf}
        if selection is not None:
            params["selection"] = selection.as_params()
        job = job_create(
            owner=owner,
            connection=connection,
            kind=PDF_BUNDLE,
            title=title,
            params=params,
            items=_job_items(documents),
            preparing=preparing,
        )
        bundle.job = job
        bundle.save(update_fields=["job"])
        if preparing is None:
            job_start(job=job)
    return bundle


def _bundle_rows_add(bundle: Bundle, documents: list[PdfDocument]) -> None:
    """Append rows after the bundle's last; a document already there (read twice) is kept as it was."""
    start = bundle.documents.count()
    BundleDocument.objects.bulk_create(
        (
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
            for position, document in enumerate(documents, start=start)
        ),
        ignore_conflicts=True,
    )


def _job_items(documents: list[PdfDocument]) -> list[JobItem]:
    return [
        JobItem(
            resource=document.resource,
            document_id=document.document_id,
            label=f"{document.number} {document.counterparty}"[:200],
        )
        for document in documents
    ]


def bundle_discard(*, bundle: Bundle) -> None:
    """Drop a bundle whose documents are still being read (or could not be): nothing was fetched."""
    if bundle.job is not None:
        job_discard(job=bundle.job)
    bundle.delete()


def bundle_without_pdf(*, bundle: Bundle) -> int:
    """How many selected documents were left out for having no PDF (expenses)."""
    if bundle.job is None:
        return 0
    params = bundle.job.params
    return int((params.get("preparing") or params).get("without_pdf") or 0)


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


def bundle_get(*, owner, bundle_id, connection) -> Bundle:
    """The owner's bundle of this client, or 404: another user's, or another client's, reads exactly
    like a missing one."""
    try:
        return Bundle.objects.select_related("job").get(owner=owner, connection=connection, pk=int(bundle_id))
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
    fetched, _size = pdf_store(client=client, document=_as_pdf_document(row), folder=bundle.folder)
    return fetched


def bundle_assemble(*, bundle: Bundle, problems: dict[str, str] | None = None) -> Bundle:
    """Build the ZIP (or the merged PDF) from the PDFs fetched so far, with the index; mark it ready.

    ``problems`` maps a document id to why its PDF is missing; it goes into the index.
    """
    problems = problems or {}
    folder = bundle.folder
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
    generated_file_finish(
        generated=bundle,
        file_name=file_name,
        file_size=size,
        pdf_count=len(members),
        failed_count=len(lines) - len(members),
    )
    logger.info(
        "Bundle %s built: %s PDFs, %s missing, %s bytes", bundle.pk, len(members), bundle.failed_count, size
    )
    return bundle
