"""Tax previews: read a client's documents in the background, store them, compute the figures."""

import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quipu_portal.jobs.services import job_create
from quipu_portal.resource_admin.selection import Selection, list_admin, reading_start
from quipu_portal.tax_previews import figures
from quipu_portal.tax_previews.book_reader import BOOK_NAMESPACE, book_page_read, book_selection
from quipu_portal.tax_previews.documents import TaxDocument, tax_document_from
from quipu_portal.tax_previews.kinds import TAX_PREVIEW
from quipu_portal.tax_previews.models import TaxPreview
from quipu_portal.tax_previews.record_book import RecordBook, record_book_build


def last_closed_quarter(today: datetime.date) -> tuple[int, int]:
    """The quarter being filed now: the one before today's."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def tax_preview_selection(*, year: int, quarter: int) -> Selection:
    """Every book entry from 1 January to the end of the quarter: one listing for all document types."""
    _first, last = figures.quarter_bounds(year, quarter)
    return book_selection(
        period={"from": f"{year}-01-01", "to": last.isoformat()},
        sort=[str(criterion) for criterion in list_admin(BOOK_NAMESPACE).default_sort],
    )


def tax_preview_start(*, owner, connection, year: int, quarter: int) -> TaxPreview:
    """A new preview and the background job that reads its documents (enqueued on commit)."""
    with transaction.atomic():
        job = job_create(
            owner=owner,
            connection=connection,
            kind=TAX_PREVIEW,
            title=_("Tax preview %(quarter)sT %(year)s") % {"quarter": quarter, "year": year},
            params={"year": year, "quarter": quarter},
            items=[],
            preparing=reading_start(),
        )
        return TaxPreview.objects.create(
            owner=owner, connection=connection, year=year, quarter=quarter, job=job
        )


def tax_preview_read_page(*, client, preview: TaxPreview, reading: dict) -> dict:
    """Read the next page of the preview's documents (with their lines) and store them. Reading the same
    page twice (a task killed and run again) stores the same documents again, nothing more."""
    page = book_page_read(
        client=client,
        selection=tax_preview_selection(year=preview.year, quarter=preview.quarter),
        reading=reading,
    )
    found = {}
    for record in page.records:
        document = tax_document_from(record)
        if document.issue_date is not None:
            found[document.key] = document.as_json()
    with transaction.atomic():
        locked = TaxPreview.objects.select_for_update().get(pk=preview.pk)
        locked.documents = {**locked.documents, **found}
        locked.save(update_fields=["documents"])
    return page.reading


def tax_preview_documents(*, preview: TaxPreview) -> list[TaxDocument]:
    return [TaxDocument.from_json(data) for data in preview.documents.values()]


def tax_preview_finish(*, preview: TaxPreview) -> TaxPreview:
    """Work out the figures kept with the preview (the 303 result for the portfolio) and its date."""
    documents = tax_preview_documents(preview=preview)
    own = next((d for d in documents if d.own_tax_id), None)
    preview.owner_name = (own.own_name if own else "") or preview.connection.name
    preview.owner_tax_id = own.own_tax_id if own else ""
    form = figures.model_303(documents, year=preview.year, quarter=preview.quarter)
    preview.result_303 = figures.result_303(form)
    preview.computed_at = timezone.now()
    preview.save(update_fields=["owner_name", "owner_tax_id", "result_303", "computed_at"])
    return preview


def tax_preview_latest(*, connection, year: int, quarter: int) -> TaxPreview | None:
    """The newest computed preview of a client and quarter (``result_303``, ``computed_at``), or None."""
    return (
        TaxPreview.objects.filter(
            connection=connection, year=year, quarter=quarter, computed_at__isnull=False
        )
        .order_by("-computed_at", "-pk")
        .first()
    )


def tax_preview_list(*, owner, connection):
    return TaxPreview.objects.filter(owner=owner, connection=connection).select_related("job")


def tax_preview_get(*, owner, connection, preview_id) -> TaxPreview:
    preview = (
        TaxPreview.objects.filter(owner=owner, connection=connection, pk=preview_id)
        .select_related("job")
        .first()
    )
    if preview is None:
        raise Http404("No such tax preview")
    return preview


def tax_preview_forms(*, preview: TaxPreview) -> dict:
    """The forms of the preview, worked out now in the reader's language."""
    documents = tax_preview_documents(preview=preview)
    year, quarter = preview.year, preview.quarter
    return {
        "303": figures.model_303(documents, year=year, quarter=quarter),
        "130": figures.model_130(documents, year=year, quarter=quarter),
        "111": figures.model_111(documents, year=year, quarter=quarter),
        "115": figures.model_115(documents, year=year, quarter=quarter),
        "347": figures.model_347(documents, year=year, through_quarter=quarter),
        "person": figures.owner_is_person(documents),
    }


def tax_preview_record_book(*, preview: TaxPreview) -> RecordBook:
    return record_book_build(
        tax_preview_documents(preview=preview),
        year=preview.year,
        quarter=preview.quarter,
        owner_name=preview.owner_name,
        owner_tax_id=preview.owner_tax_id,
    )


def tax_box_documents(*, preview: TaxPreview, keys: list[str]) -> list[TaxDocument]:
    documents = preview.documents
    found = [TaxDocument.from_json(documents[key]) for key in keys if key in documents]
    return sorted(found, key=lambda d: (d.issue_date, d.type, d.number))
