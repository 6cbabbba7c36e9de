"""The change log: recorded by every portal write to Quipu (documents, their attachments, reference
records), read per user."""

import csv
import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from quipu_portal.audit.models import AuditEntry
from quipu_portal.core.spreadsheet import spreadsheet_text

CSV_COLUMNS = (
    "time",
    "user",
    "connection",
    "document_type",
    "document_id",
    "document",
    "field",
    "before",
    "after",
    "job",
)


def audit_value_text(value) -> str:
    """A value as the change log writes it (lists joined with commas, None as empty)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(audit_value_text(v) for v in value)
    return str(value)


def audit_record_changes(
    *,
    user: AbstractBaseUser,
    connection,
    resource: str,
    document_id: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
    document_label: str = "",
    job=None,
) -> list[AuditEntry]:
    """One entry per field whose value differs between ``before`` and ``after`` (field -> value)."""
    entries = []
    for name in sorted(set(before) | set(after)):
        old, new = audit_value_text(before.get(name)), audit_value_text(after.get(name))
        if old == new:
            continue
        entries.append(
            AuditEntry(
                user=user,
                connection=connection,
                connection_name=getattr(connection, "name", "")[:120],
                resource=resource,
                document_id=str(document_id),
                document_label=document_label[:200],
                field=name[:120],
                before=old,
                after=new,
                job=job,
            )
        )
    return AuditEntry.objects.bulk_create(entries)


@dataclass(frozen=True)
class AuditFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    resource: str = ""
    document: str = ""
    connection_id: int | None = None
    job_id: int | None = None


def audit_list(*, user: AbstractBaseUser, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """The user's own entries, newest first. Nobody reads another user's log."""
    filters = filters or AuditFilters()
    entries = AuditEntry.objects.filter(user=user).select_related("job")
    tz = timezone.get_current_timezone()
    if filters.date_from:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min, tzinfo=tz)
        entries = entries.filter(created_at__gte=start)
    if filters.date_to:
        end = datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        entries = entries.filter(created_at__lt=end)
    if filters.resource:
        entries = entries.filter(resource=filters.resource)
    if filters.document:
        text = filters.document.strip()
        by_label = entries.filter(document_label__icontains=text)
        entries = by_label | entries.filter(document_id=text)
    if filters.connection_id:
        entries = entries.filter(connection_id=filters.connection_id)
    if filters.job_id:
        entries = entries.filter(job_id=filters.job_id)
    return entries.order_by("-created_at", "-pk")


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_lines(*, entries: Iterable[AuditEntry], username: str) -> Iterator[str]:
    """CSV lines, header first, produced one entry at a time (for a streaming response)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # the BOM lets spreadsheet programs read UTF-8
    for entry in entries:
        yield writer.writerow(
            [
                timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                username,
                entry.connection_name,
                entry.resource,
                entry.document_id,
                entry.document_label,
                entry.field,
                spreadsheet_text(entry.before),
                spreadsheet_text(entry.after),
                entry.job_id or "",
            ]
        )


def _linkage_ids(linkage) -> object:
    data = (linkage or {}).get("data") if isinstance(linkage, Mapping) else None
    if isinstance(data, list):
        return [str(entry.get("id")) for entry in data]
    if isinstance(data, Mapping):
        return str(data.get("id"))
    return None


def document_audit_values(record, *, with_items: bool = True) -> dict[str, object]:
    """A document as field -> value, its lines as ``line <id>: <field>``, for the change log."""
    if record is None:
        return {}
    values: dict[str, object] = {
        name: value for name, value in record.raw_attributes.items() if not name.endswith("_url")
    }
    for name, linkage in record.raw_relationships.items():
        if name != "items":
            values[name] = _linkage_ids(linkage)
    if with_items:
        for item in getattr(record, "items", ()):
            prefix = f"line {item.id}"
            values.update({f"{prefix}: {name}": value for name, value in item.raw_attributes.items()})
            values.update(
                {
                    f"{prefix}: {name}": _linkage_ids(linkage)
                    for name, linkage in item.raw_relationships.items()
                }
            )
    return values


def audit_record_write(
    *, user: AbstractBaseUser, connection, resource: str, before, after, document_label: str = ""
) -> list[AuditEntry]:
    """Log a single create (no ``before``), edit, or delete (no ``after``) of a document or a reference
    record (a contact, a category…), labelled with ``document_label`` or else the document's number."""
    record = after or before
    lines_known = all(getattr(side, "items_loaded", True) for side in (before, after) if side is not None)
    return audit_record_changes(
        user=user,
        connection=connection,
        resource=resource,
        document_id=record.id,
        before=document_audit_values(before, with_items=lines_known),
        after=document_audit_values(after, with_items=lines_known),
        document_label=document_label or getattr(record, "number", None) or "",
    )


def audit_attachment_write(
    *, user: AbstractBaseUser, connection, resource: str, document, added: str = "", removed: str = ""
) -> list[AuditEntry]:
    """Log a file attached to (``added``) or removed from (``removed``) a document, as its "attachments"."""
    return audit_record_changes(
        user=user,
        connection=connection,
        resource=resource,
        document_id=document.id,
        before={"attachments": removed},
        after={"attachments": added},
        document_label=getattr(document, "number", None) or "",
    )
