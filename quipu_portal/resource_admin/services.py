"""What the generic views ask of Quipu: documents, their names and choices, and their writes."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quipu_portal.audit.services import audit_attachment_write, audit_record_write
from quipu_portal.jobs.warmup import reference_warm_later
from quipu_portal.quipu.contact_names import contact_names
from quipu_portal.quipu.errors import QuipuForbiddenError, QuipuNotFoundError, QuipuRateLimitedError
from quipu_portal.quipu.records import ItemInput, RecordInput
from quipu_portal.quipu.refdata import reference_data, reference_data_cached
from quipu_portal.quipu.resources import ITEM_WRITABLE
from quipu_portal.resource_admin.access import Names, attr, document_number, document_type, rel_id, rel_ids
from quipu_portal.resource_admin.columns import TYPE_LABELS
from quipu_portal.resource_admin.conflicts import item_changed_fields, merge_fields, state_json
from quipu_portal.resource_admin.display import form_field_label
from quipu_portal.resource_admin.forms import Choices, DocumentForm, ItemForm, attachment_content_type
from quipu_portal.resource_admin.registry import REGISTRY


@dataclass
class DocumentPage:
    records: list
    current_page: int
    total_pages: int
    total_results: int
    waited_seconds: float = 0.0
    ignored_filters: list[str] = field(default_factory=list)

    @classmethod
    def from_result(cls, result, *, page: int, client=None) -> "DocumentPage":
        """A page of Quipu's list result; what Quipu leaves out comes from the request and the records."""
        records = list(result.records)
        return cls(
            records=records,
            current_page=result.current_page or page,
            total_pages=result.total_pages or 1,
            total_results=result.total_results if result.total_results is not None else len(records),
            waited_seconds=getattr(client, "last_wait_seconds", 0.0) or 0.0,
        )


def _api_value(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# Reading --------------------------------------------------------------------------------------------


def document_list(
    *,
    client,
    admin,
    filters: dict,
    sort: list[str],
    page: int,
    page_size: int,
    include: list[str] | None = None,
) -> DocumentPage:
    api_filters = dict(filters)
    if admin.list_type:
        api_filters["type"] = admin.list_type
    result = client.list(
        admin.list_resource, filters=api_filters, sort=sort, include=include, page=page, page_size=page_size
    )
    found = DocumentPage.from_result(result, page=page, client=client)
    found.ignored_filters = filters_ignored(found.records, api_filters)
    return found


def filters_ignored(records: list, filters: dict) -> list[str]:
    """The filters Quipu visibly did not apply to this page (it may ignore what it does not know)."""
    ignored = []
    if filters.get("kind") and any(attr(r, "kind") not in (None, filters["kind"]) for r in records):
        ignored.append("kind")
    wanted_type = filters.get("type")
    if wanted_type:
        wanted = wanted_type.rstrip("s") if wanted_type.startswith("additional_income") else wanted_type
        if any(document_type(r).rstrip("s") != wanted.rstrip("s") for r in records):
            ignored.append("type")
    period = filters.get("period")
    if period:
        start, end = period_bounds(period)
        for record in records:
            day = attr(record, "issue_date")
            if isinstance(day, datetime.date) and start and not start <= day <= end:
                ignored.append("period")
                break
    return ignored


def period_bounds(period) -> tuple[datetime.date | None, datetime.date | None]:
    if isinstance(period, dict):
        return datetime.date.fromisoformat(period["from"]), datetime.date.fromisoformat(period["to"])
    text = str(period)
    year = int(text[:4])
    if "-Q" in text:
        quarter = int(text.split("Q")[1])
        start = datetime.date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
    elif "-" in text:
        start = datetime.date(year, int(text[5:]), 1)
        end_month = start.month
    else:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    next_month = datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)
    return start, next_month - datetime.timedelta(days=1)


def document_get(*, client, admin, document_id: str):
    include = ["items"] if admin.has_items else []
    return client.retrieve(admin.resource, document_id, include=include or None)


def document_label(*, admin, record) -> str:
    """What a document is called on its pages: its type and number ("Invoice F-2025-001")."""
    number = document_number(record)
    kind = TYPE_LABELS.get(getattr(record, "type", ""), admin.verbose_name)
    return f"{kind} {number}".strip() if number else str(kind)


def document_attachments(*, client, record) -> list:
    """The record's attachments: side-loaded when Quipu included them, otherwise read one by one."""
    found = []
    for ref in getattr(record, "attachments", ()) or ():
        attachment = record.resolve(ref) if hasattr(record, "resolve") else None
        if attachment is None:
            try:
                attachment = client.retrieve("attachments", ref.id)
            except (QuipuNotFoundError, QuipuForbiddenError):
                continue
        found.append(attachment)
    return found


def contact_names_if_ready(*, client, connection) -> list[tuple[str, str]] | None:
    """The contact names, or None when the rate budget cannot fetch them now (a worker will)."""
    try:
        return contact_names(client=client, connection=connection)
    except QuipuRateLimitedError:
        reference_warm_later(connection=connection)
        return None


def _reference(*, client, connection, partial: bool = False) -> dict:
    """Reference data as choices. With ``partial``, when the rate budget cannot fetch what is missing,
    what is cached (``complete`` False) and a background warm-up for the rest."""
    try:
        data = reference_data(client)
    except QuipuRateLimitedError:
        if not partial:
            raise
        data = reference_data_cached(client)
        reference_warm_later(connection=connection)
    return {
        "complete": data.complete,
        "categories": [(c.id, c.name or c.id, c.kind or "") for c in data.accounting_categories],
        "subcategories": [
            (s.id, s.name or s.id, rel_id(s, "accounting_category")) for s in data.accounting_subcategories
        ],
        "analytic": [(a.id, a.name or a.id, rel_id(a, "parent")) for a in data.analytic_categories],
        "series": [(n.id, n.prefix or n.id) for n in data.numbering_series],
    }


def document_names(*, client, connection, with_contacts: bool = False) -> Names:
    """Names for display; never refused for the rate budget: unknown names show as still loading."""
    data = _reference(client=client, connection=connection, partial=True)
    names = Names(
        loading=not data["complete"],
        categories={cid: name for cid, name, _kind in data["categories"]},
        subcategories={sid: name for sid, name, _parent in data["subcategories"]},
        analytic={aid: name for aid, name, _parent in data["analytic"]},
        series={sid: name for sid, name in data["series"]},
    )
    if with_contacts:
        contacts = contact_names_if_ready(client=client, connection=connection)
        names.contacts = dict(contacts or ())
        names.loading = names.loading or contacts is None
    return names


def document_choices(*, client, connection, with_contacts: bool = True) -> Choices:
    data = _reference(client=client, connection=connection)
    return Choices(
        contacts=contact_names(client=client, connection=connection) if with_contacts else [],
        categories=data["categories"],
        subcategories=data["subcategories"],
        analytic=data["analytic"],
        series=data["series"],
    )


# Forms <-> records -----------------------------------------------------------------------------------


def document_initial(*, record, fields) -> dict:
    initial = {}
    for name in fields:
        if name == "analytic_categories":
            initial[name] = rel_ids(record, name)
        elif name in ("contact", "accounting_category", "accounting_subcategory", "numeration"):
            initial[name] = rel_id(record, name) or ""
        elif name == "number":
            initial[name] = attr(record, "number") or attr(record, "filing_number") or ""
        else:
            value = attr(record, name)
            initial[name] = list(value) if isinstance(value, tuple) else value
    return initial


def items_initial(*, record) -> list[dict]:
    rows = []
    for position, item in enumerate(getattr(record, "items", ()) or (), start=1):
        row = {name: attr(item, name) for name in ITEM_WRITABLE}
        row.update(
            id=item.id,
            ORDER=position,
            accounting_category=rel_id(item, "accounting_category") or "",
            accounting_subcategory=rel_id(item, "accounting_subcategory") or "",
        )
        rows.append({key: ("" if value is None else value) for key, value in row.items()})
    return rows


def _item_as_sent(item) -> ItemInput:
    """An existing item exactly as Quipu has it, so a save that did not touch it keeps it."""
    attributes = {name: _api_value(attr(item, name)) for name in ITEM_WRITABLE}
    relationships = {
        name: rel_id(item, name)
        for name in ("accounting_category", "accounting_subcategory")
        if rel_id(item, name) is not None
    }
    return ItemInput(
        attributes={k: v for k, v in attributes.items() if v is not None},
        id=item.id,
        relationships=relationships,
    )


def document_input(*, form, formset=None, record=None, item_categories=True) -> tuple[RecordInput, list]:
    """The write for Quipu, and the item forms in the order their items were sent (to place 422s)."""
    attributes = {name: _api_value(value) for name, value in form.api_attributes().items()}
    if record is not None and "number" in attributes and attributes["number"] is None:
        attributes.pop("number")
    relationships = form.api_relationships()
    if formset is None:
        return RecordInput(attributes=attributes, relationships=relationships, items=None), []
    originals = {item.id: item for item in (getattr(record, "items", ()) or ())}
    sent_forms = formset.ordered_forms_to_send()
    items = []
    for item_form in sent_forms:
        item_id = item_form.cleaned_data.get("id") or None
        original = originals.get(item_id)
        if original is not None and not item_form.has_changed():
            items.append(_item_as_sent(original))
            continue
        base = _item_as_sent(original) if original is not None else ItemInput()
        for name, value in item_form.api_attributes().items():
            base.attributes[name] = _api_value(value)
        if original is None:
            base.attributes = {k: v for k, v in base.attributes.items() if v not in (None, "")}
        if item_categories:
            base.relationships.update(item_form.api_relationships())
        base.id = item_id if original is not None else None
        items.append(base)
    return RecordInput(attributes=attributes, relationships=relationships, items=items), sent_forms


def document_state(*, record, admin) -> dict:
    """The writable state of a document as its edit form loads it: the fields and every line."""
    return {
        "fields": document_initial(record=record, fields=admin.form_fields),
        "items": items_initial(record=record) if admin.has_items else [],
    }


def _item_from_form(item_form, *, base: ItemInput, names=None, item_categories=True) -> ItemInput:
    """``base`` with what the user typed in the line (only the fields in ``names``, when given)."""
    for name, value in item_form.api_attributes().items():
        if names is None or name in names:
            base.attributes[name] = _api_value(value)
    if item_categories:
        relationships = item_form.api_relationships()
        if names is not None:
            relationships = {key: value for key, value in relationships.items() if key in names}
        base.relationships.update(relationships)
    return base


def document_input_merged(*, form, formset, record, loaded: dict, item_categories=True):
    """The user's edit applied on top of Quipu's present version (see conflicts.py): the fields they
    changed win, the others take Quipu's values; lines added in Quipu are kept, lines deleted there
    stay deleted unless the user edited them; a line both sides changed takes the user's fields."""
    merge_fields(form, state_json(document_initial(record=record, fields=tuple(form.fields))))
    payload, _sent = document_input(form=form, formset=None, record=record)
    if formset is None:
        return payload, []
    loaded_ids = {row["id"] for row in loaded.get("items") or () if row.get("id")}
    present = {item.id: item for item in (getattr(record, "items", ()) or ())}
    items, sent_forms = [], []
    for item_form in formset.ordered_forms_to_send():
        item_id = item_form.cleaned_data.get("id") or None
        changed = item_changed_fields(item_form)
        if item_id in loaded_ids and item_id in present:
            item = _item_from_form(
                item_form,
                base=_item_as_sent(present[item_id]),
                names=changed,
                item_categories=item_categories,
            )
        elif item_id in loaded_ids and not changed:
            continue  # deleted in Quipu and not touched here: it stays deleted
        else:
            # A new line, or one deleted in Quipu that the user edited: sent as a new line.
            item = _item_from_form(item_form, base=ItemInput(), item_categories=item_categories)
            item.attributes = {k: v for k, v in item.attributes.items() if v not in (None, "")}
        items.append(item)
        sent_forms.append(item_form)
    for item in getattr(record, "items", ()) or ():
        if item.id not in loaded_ids:
            items.append(_item_as_sent(item))  # added in Quipu meanwhile: kept
            sent_forms.append(None)
    payload.items = items
    return payload, sent_forms


FIELD_ALIASES = {
    "filing_number": "number",
    "filling_number": "number",
    "complete_number": "number",
    "contact_id": "contact",
    "counter_reason": "credit_note_reason",
}


def validation_errors_apply(*, error, form, formset=None, sent_forms=()) -> None:
    """Put each of Quipu's 422 messages next to the field it is about, or at the top of the form."""
    for field_error in error.field_errors:
        detail = field_error.detail or _("Quipu did not accept this value.")
        if field_error.item_index is not None and formset is not None:
            item_form = None
            if 0 <= field_error.item_index < len(sent_forms):
                item_form = sent_forms[field_error.item_index]
            if item_form is not None:
                if field_error.item_field in item_form.fields:
                    item_form.add_error(field_error.item_field, detail)
                elif field_error.item_field:
                    item_form.add_error(
                        None, f"{form_field_label(ItemForm.base_fields, field_error.item_field)}: {detail}"
                    )
                else:
                    item_form.add_error(None, detail)
            else:
                formset._non_form_errors.append(detail)
            continue
        name = FIELD_ALIASES.get(field_error.field, field_error.field)
        if name in form.fields:
            form.add_error(name, detail)
        elif name == "items" and formset is not None:
            formset._non_form_errors.append(detail)
        elif name:
            form.add_error(None, f"{form_field_label(DocumentForm.base_fields, name)}: {detail}")
        else:
            form.add_error(None, detail)


# Writing ---------------------------------------------------------------------------------------------


def document_create(*, client, admin, payload: RecordInput, user, connection):
    created = client.create(admin.resource, payload)
    audit_record_write(user=user, connection=connection, resource=admin.resource, before=None, after=created)
    return created


def document_update(*, client, admin, record, payload: RecordInput, user, connection):
    updated = client.update(admin.resource, record.id, payload)
    audit_record_write(
        user=user, connection=connection, resource=admin.resource, before=record, after=updated
    )
    return updated


def document_delete(*, client, admin, document_id: str, user, connection, record=None) -> None:
    client.delete(admin.resource, document_id)
    if record is not None:
        audit_record_write(
            user=user, connection=connection, resource=admin.resource, before=record, after=None
        )


def new_items_input(item_forms) -> list[ItemInput]:
    """Lines typed from scratch (a partial refund): only what the user filled in is sent."""
    return [
        ItemInput(
            attributes={name: _api_value(value) for name, value in form.api_attributes().items()},
            relationships={name: value for name, value in form.api_relationships().items() if value},
        )
        for form in item_forms
    ]


def credit_note_create(
    *,
    client,
    admin,
    document_id: str,
    attributes: dict,
    items: list[ItemInput] | None,
    user,
    connection,
):
    """A full refund (no items) or a partial one (the given lines) of the document: a create like any
    other, so it is in the change log too."""
    payload = RecordInput(
        attributes={k: v for k, v in attributes.items() if v not in (None, "")},
        relationships={admin.amended_relation: document_id},
        items=items,
    )
    return document_create(client=client, admin=admin, payload=payload, user=user, connection=connection)


def credit_note_ids(record) -> list[str]:
    return [ref.id for ref in amending_documents(record)]


def credit_note_find(*, client, admin, document_id: str, known: list[str]) -> str | None:
    """The id of a credit note of the document that Quipu lists now and ``known`` (its credit notes
    before a create) did not: the one a create whose answer was lost did make."""
    now = document_get(client=client, admin=admin, document_id=document_id)
    return next((ref_id for ref_id in credit_note_ids(now) if ref_id not in set(known)), None)


def attachment_upload(*, client, admin, document, upload, user, connection):
    """Attach the file to the document; the change log records its name under "attachments"."""
    attachment = client.upload_attachment(
        book_entry_id=document.id,
        filename=upload.name,
        content=upload.read(),
        content_type=attachment_content_type(upload),
    )
    audit_attachment_write(
        user=user,
        connection=connection,
        resource=admin.resource,
        document=document,
        added=attachment.filename or upload.name,
    )
    return attachment


def attachment_delete(*, client, admin, document, attachment, user, connection) -> None:
    """Remove the file from the document; the change log records its name under "attachments"."""
    client.delete("attachments", attachment.id)
    audit_attachment_write(
        user=user,
        connection=connection,
        resource=admin.resource,
        document=document,
        removed=attachment.filename or attachment.id,
    )


def amending_documents(record) -> tuple:
    """The credit notes that amend a document (Quipu keeps a document that has them)."""
    relations = [getattr(admin, "amending_relation", None) for admin in REGISTRY.values()]
    return tuple(ref for name in relations if name for ref in getattr(record, name, ()))


def document_refusal_explanation(record) -> str:
    """Why Quipu keeps a document it was asked to delete, in the words the delete page uses."""
    count = len(amending_documents(record))
    if count:
        return ngettext(
            "It has %(counter)s amending document (credit note) pointing to it: Quipu keeps a document "
            "while amending documents refer to it. Delete the credit note first, or keep both.",
            "It has %(counter)s amending documents (credit notes) pointing to it: Quipu keeps a document "
            "while amending documents refer to it. Delete the credit notes first, or keep them all.",
            count,
        ) % {"counter": count}
    return _(
        "Documents that are booked, locked in a closed period or already sent to the tax agency cannot be "
        "deleted. Issue a credit note instead, or ask the account owner to unlock it in Quipu."
    )
