"""What the reference-data pages ask of Quipu. Every write drops the caches built from that data."""

from quipu_portal.audit.services import audit_record_write
from quipu_portal.quipu.contact_names import contact_names_forget
from quipu_portal.quipu.records import RecordInput
from quipu_portal.quipu.refdata import invalidate_reference_data
from quipu_portal.resource_admin.services import DocumentPage


def reference_record_list(
    *, client, admin, filters: dict, sort: list[str], page: int, page_size: int
) -> DocumentPage:
    result = client.list(admin.resource, filters=filters, sort=sort, page=page, page_size=page_size)
    return DocumentPage.from_result(result, page=page, client=client)


def reference_record_all(*, client, admin) -> list:
    return list(client.iterate(admin.resource))


def reference_record_get(*, client, admin, record_id: str):
    return client.retrieve(admin.resource, record_id)


def reference_caches_forget(*, client, connection) -> None:
    """Forms and pickers read these caches: after a write they must show the change at once."""
    invalidate_reference_data(client)
    contact_names_forget(connection=connection)


def reference_record_save(*, client, connection, user, admin, record, payload: RecordInput):
    """Create a record (``record`` None) or save ``record``, as read right before, with the form's values."""
    try:
        if record is None:
            saved = client.create(admin.resource, payload)
        else:
            saved = client.update(admin.resource, record.id, payload)
    finally:
        reference_caches_forget(client=client, connection=connection)
    _audit(user=user, connection=connection, admin=admin, before=record, after=saved)
    return saved


def reference_record_delete(*, client, connection, user, admin, record) -> None:
    try:
        client.delete(admin.resource, record.id)
    finally:
        reference_caches_forget(client=client, connection=connection)
    _audit(user=user, connection=connection, admin=admin, before=record, after=None)


def _audit(*, user, connection, admin, before, after) -> None:
    """The change log, field by field, labelled with the record's name as its pages call it."""
    audit_record_write(
        user=user,
        connection=connection,
        resource=admin.resource,
        before=before,
        after=after,
        document_label=admin.record_label(after or before),
    )


def related_documents_page(*, client, filters: dict, page: int, page_size: int) -> DocumentPage:
    """The book entries pointing at a record (a contact's documents), newest first."""
    result = client.list(
        "book_entries", filters=filters, sort=["-issue_date"], page=page, page_size=page_size
    )
    return DocumentPage.from_result(result, page=page)
