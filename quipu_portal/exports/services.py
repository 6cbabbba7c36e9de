"""Totals of a whole filtered list, and the list written to a CSV or XLSX file.

Both read every page of the list's filter. A list the page view has already read whole costs nothing
more; a list a page view may read (two pages of 100) is read there; a longer one is read by a job,
one page per step within the connection's rate budget, while the page shows how far it got.
"""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext

from quipu_portal.exports.columns import document_rows, export_columns
from quipu_portal.exports.kinds import LIST_EXPORT, LIST_TOTALS
from quipu_portal.exports.models import Export, ExportDocument, ExportFormat
from quipu_portal.exports.totals import figures_for, sums_add, totals_rows
from quipu_portal.exports.writers import csv_write, xlsx_write
from quipu_portal.files.services import (
    generated_file_finish,
    generated_file_folder_delete,
    generated_file_path,
)
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.jobs.services import job_create, job_discard
from quipu_portal.resource_admin.selection import (
    Selection,
    list_admin,
    selection_page_read,
    selection_read_in_request,
    selection_title_parts,
)

logger = logging.getLogger(__name__)


def totals_cache_seconds() -> int:
    return int(settings.QUIPU_TOTALS_CACHE_SECONDS)


# Totals -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListTotals:
    figures: tuple
    rows: list
    count: int
    computed_at: datetime.datetime


def _totals_key(*, connection, selection: Selection) -> str:
    described = json.dumps([selection.namespace, selection.filters], sort_keys=True)
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"exports:totals:{connection.pk}:{connection.app_id}:{digest}"


def _as_totals(*, selection: Selection, stored: dict) -> ListTotals:
    figures = figures_for(selection.admin)
    rows = totals_rows(sums=stored["sums"], figures=figures)
    return ListTotals(
        figures=figures,
        rows=rows,
        count=sum(row.count for row in rows),
        computed_at=datetime.datetime.fromisoformat(stored["computed_at"]),
    )


def list_totals_store(*, connection, selection: Selection, sums: dict) -> ListTotals:
    stored = {"sums": sums, "computed_at": timezone.now().isoformat()}
    cache.set(_totals_key(connection=connection, selection=selection), stored, totals_cache_seconds())
    return _as_totals(selection=selection, stored=stored)


def list_totals_cached(*, connection, selection: Selection) -> ListTotals | None:
    stored = cache.get(_totals_key(connection=connection, selection=selection))
    return _as_totals(selection=selection, stored=stored) if stored else None


def list_totals_of_page(*, selection: Selection, page) -> ListTotals | None:
    """The totals of a list whose first page holds every document of its filter: no more requests,
    and nothing to keep (the page shows them afresh each time)."""
    whole = page.current_page == 1 and page.total_pages <= 1 and len(page.records) >= page.total_results
    if not whole or page.ignored_filters:
        return None
    stored = {"sums": sums_add({}, page.records), "computed_at": timezone.now().isoformat()}
    return _as_totals(selection=selection, stored=stored)


def list_totals_job(*, owner, connection, selection: Selection) -> Job | None:
    """The job reading this filter's totals, started by this user in the last hour."""
    job_id = cache.get(_totals_key(connection=connection, selection=selection) + ":job")
    if job_id is None:
        return None
    return Job.objects.filter(pk=job_id, owner=owner, connection=connection, kind=LIST_TOTALS).first()


def list_totals_calculate(*, client, owner, connection, selection: Selection) -> ListTotals | Job:
    """The totals of the whole filter when a page view may read it (see selection.IN_REQUEST_PAGES);
    otherwise a ``list_totals`` job that carries on from the pages read here (one already reading the
    same filter is reused)."""
    running = list_totals_job(owner=owner, connection=connection, selection=selection)
    if running is not None and running.status in (JobStatus.PREPARING, JobStatus.PENDING, JobStatus.RUNNING):
        return running
    pages, reading = selection_read_in_request(client=client, selection=selection)
    seen: set[str] = set()
    sums = sums_add({}, [record for page in pages for record in page.records], seen=seen)
    if reading["next_page"] is None:
        return list_totals_store(connection=connection, selection=selection, sums=sums)
    title = gettext("Totals of %(list)s") % {
        "list": list_title(admin=selection.admin, filters=selection.filters)
    }
    job = job_create(
        owner=owner,
        connection=connection,
        kind=LIST_TOTALS,
        title=title,
        params={"selection": selection.as_params()},
        items=[],
        preparing={**reading, "sums": sums, "seen": sorted(seen)},
    )
    key = _totals_key(connection=connection, selection=selection) + ":job"
    cache.set(key, job.pk, 3600)
    return job


def list_totals_cancel(*, owner, connection, selection: Selection) -> None:
    """Stop reading the filter's totals (nothing was written: the job is dropped)."""
    job = list_totals_job(owner=owner, connection=connection, selection=selection)
    if job is not None:
        job_discard(job=job)


def list_totals_read_page(*, client, job: Job) -> tuple[dict, bool]:
    """One more page of a totals job: the reading state with the sums so far, and whether it is over."""
    selection = Selection.from_params(job.params["selection"])
    state = job.params["preparing"]
    page = selection_page_read(client=client, selection=selection, reading=state)
    seen = set(state.get("seen") or [])
    sums = sums_add(state.get("sums") or {}, page.records, seen=seen)
    return {**page.reading, "sums": sums, "seen": sorted(seen)}, page.complete


def list_totals_finish(*, job: Job) -> ListTotals:
    selection = Selection.from_params(job.params["selection"])
    sums = (job.params.get("preparing") or {}).get("sums") or {}
    return list_totals_store(connection=job.connection, selection=selection, sums=sums)


def list_title(*, admin, filters: dict) -> str:
    parts = selection_title_parts(admin=admin, filters=filters)
    if filters.get("kind") == "income":
        parts.append(gettext("income"))
    elif filters.get("kind") == "expenses":
        parts.append(gettext("expenses"))
    return " · ".join(parts)


# Exports ------------------------------------------------------------------------------------------


def _include(export: Export) -> list[str] | None:
    return ["items"] if export.lines else None


def export_start(
    *, owner, connection, client, selection: Selection, format: str, lines: bool, query: str = ""
) -> Export:
    """The export of a filtered list. What a page view may read is written at once; a longer list is
    read by a ``list_export`` job, then written."""
    admin = selection.admin
    lines = bool(lines and admin.has_items)
    pages, reading = selection_read_in_request(
        client=client, selection=selection, include=["items"] if lines else None
    )
    records = [record for page in pages for record in page.records]
    complete = reading["next_page"] is None
    count = len(records) if complete else reading["expected"] or 0
    title = _export_title(admin=admin, filters=selection.filters, count=count)
    with transaction.atomic():
        export = Export.objects.create(
            owner=owner,
            connection=connection,
            namespace=selection.namespace,
            format=format,
            lines=lines,
            title=title,
            query=query[:2000],
        )
        _documents_add(export, records)
        if not complete:
            export.job = job_create(
                owner=owner,
                connection=connection,
                kind=LIST_EXPORT,
                title=title,
                params={"export": export.pk, "selection": selection.as_params()},
                items=[],
                preparing=reading,
            )
            export.save(update_fields=["job"])
    if complete:
        export_write(export=export)
    return export


def _export_title(*, admin, filters: dict, count: int) -> str:
    documents = ngettext("%(count)d document", "%(count)d documents", count) % {"count": count}
    return f"{list_title(admin=admin, filters=filters)} · {documents}"[:200]


def _documents_add(export: Export, records: list) -> None:
    """Append documents after the export's last; one already there (read twice) is kept as it was."""
    columns = export_columns(admin=list_admin(export.namespace), lines=export.lines)
    start = export.documents.count()
    ExportDocument.objects.bulk_create(
        (
            ExportDocument(
                export=export,
                position=position,
                document_id=record.id,
                rows=document_rows(record, columns=columns, lines=export.lines),
            )
            for position, record in enumerate(records, start=start)
        ),
        batch_size=500,
        ignore_conflicts=True,
    )


def export_read_page(*, client, export: Export, selection: Selection, reading: dict) -> tuple[dict, bool]:
    """Read the next page of a large export into its documents; the reading state and whether it is over."""
    page = selection_page_read(client=client, selection=selection, reading=reading, include=_include(export))
    _documents_add(export, page.records)
    if page.complete:
        title = _export_title(
            admin=selection.admin, filters=selection.filters, count=export.documents.count()
        )
        Export.objects.filter(pk=export.pk).update(title=title)
        Job.objects.filter(pk=export.job_id).update(title=title)
    return page.reading, page.complete


def export_write(*, export: Export) -> Export:
    """Write the file from the stored documents, in the active language (the job runner makes that the
    owner's); mark it ready until the retention period ends. The stored documents go once written."""
    if generated_file_path(generated=export) is not None:
        return export  # written already (a task delivered twice)
    admin = list_admin(export.namespace)
    columns = export_columns(admin=admin, lines=export.lines)
    counted = [0]

    def rows():
        for document in export.documents.order_by("position").iterator(chunk_size=500):
            for row in document.rows:
                counted[0] += 1
                yield row

    folder = export.folder
    stem = slugify(export.title.replace(" · ", "_"))[:120] or f"export-{export.pk}"
    file_name = f"{stem}.{export.format}"
    if export.format == ExportFormat.CSV:
        size = csv_write(columns=columns, rows=rows(), target=folder / file_name)
    else:
        sheet = str(admin.verbose_name_plural).capitalize()
        size = xlsx_write(columns=columns, rows=rows(), target=folder / file_name, sheet=sheet)
    with transaction.atomic():
        generated_file_finish(generated=export, file_name=file_name, file_size=size, row_count=counted[0])
        ExportDocument.objects.filter(export=export).delete()
    logger.info("Export %s written: %s rows, %s bytes", export.pk, counted[0], size)
    return export


def export_get(*, owner, export_id) -> Export:
    """The owner's export, or 404: another user's export reads exactly like a missing one."""
    try:
        return Export.objects.select_related("job").get(owner=owner, pk=int(export_id))
    except (Export.DoesNotExist, ValueError, TypeError):
        raise Http404("No such export.") from None


def export_list(*, owner) -> QuerySet[Export]:
    return Export.objects.filter(owner=owner).select_related("job")


def export_discard(*, export: Export) -> None:
    """Drop an export whose documents are still being read (or could not be)."""
    if export.job is not None:
        job_discard(job=export.job)
    generated_file_folder_delete(generated=export)
    export.delete()
