"""The list, tree, detail and form views of reference data (contacts, categories, series).

Same shape as the document views: parse input with a form, get a client, call one service, pick a
response. Quipu's errors become pages at `quipu_boundary`; a 422 goes back onto the form's fields.
Deleting is the documents' view (views.delete.resource_delete): the declaration says how a record is read,
named and deleted, and why Quipu may refuse.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import is_partial, redirect_to
from quipu_portal.quipu.errors import (
    QuipuForbiddenError,
    QuipuNotFoundError,
    QuipuValidationError,
)
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin import conflicts
from quipu_portal.resource_admin import reference_services as services
from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.changelist import ChangeList, positive_int, querystring
from quipu_portal.resource_admin.columns import COUNTERPART, DOCUMENT_COLUMNS
from quipu_portal.resource_admin.display import display_value, field_label
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.pages import NOT_SAVED_ERRORS, base_context, not_saved_error, templates
from quipu_portal.resource_admin.services import document_names, validation_errors_apply


def _lazy_refdata(client):
    """The cached reference data, fetched only if a form or column actually reads it."""
    return SimpleLazyObject(lambda: reference_data(client))


# List ---------------------------------------------------------------------------------------------


@connection_required
@quipu_boundary
@require_GET
def reference_list(request, *, admin):
    client = client_for(request.connection)
    refdata = _lazy_refdata(client)
    filter_form = admin.filter_form(request.GET, refdata=refdata) if admin.filter_form else None
    filters = filter_form.api_filters() if filter_form is not None and filter_form.is_valid() else {}
    change_list = ChangeList(request, admin)
    page = services.reference_record_list(client=client, admin=admin, filters=filters, **change_list.params)
    return change_list.response(page=page, names=refdata, filter_form=filter_form, filters=filters)


def _tree(records) -> list[dict]:
    """Records with a `parent` as nested nodes, children sorted by name; orphans become roots."""
    by_id = {record.id: record for record in records}
    children: dict = {}
    for record in records:
        parent = getattr(record, "parent", None)
        parent_id = parent.id if parent is not None and parent.id in by_id else None
        children.setdefault(parent_id, []).append(record)

    def nodes(parent_id, depth):
        ordered = sorted(children.get(parent_id, []), key=lambda r: str(r.name or "").lower())
        return [
            {"record": r, "depth": depth, "is_root": parent_id is None, "children": nodes(r.id, depth + 1)}
            for r in ordered
        ]

    return nodes(None, 0)


@connection_required
@quipu_boundary
@require_GET
def reference_tree(request, *, admin):
    client = client_for(request.connection)
    unavailable = False
    try:
        records = services.reference_record_all(client=client, admin=admin)
    except (QuipuNotFoundError, QuipuForbiddenError):
        # Not every Quipu account has this endpoint (BEHAVIOUR.md): say so instead of failing.
        records, unavailable = [], True
    context = {
        **base_context(request, admin),
        "tree": _tree(records),
        "count": len(records),
        "unavailable": unavailable,
    }
    return render(request, templates(admin, "tree"), context)


# Detail -------------------------------------------------------------------------------------------


def _sent_by_quipu(record, name: str) -> bool:
    raw_attributes = getattr(record, "raw_attributes", None)
    if not raw_attributes:
        return True  # nothing to tell from
    return name in raw_attributes or name in (getattr(record, "raw_relationships", None) or {})


def detail_rows(admin, record, refdata=None) -> list[dict]:
    rows = []
    for name in admin.detail_fields:
        value = attr(record, name)
        label = field_label(name, admin.field_labels)
        show = admin.detail_values.get(name)
        rows.append(
            {
                "name": name,
                "label": label,
                "value": value,
                "display": show(record, refdata)
                if show and value not in (None, "")
                else display_value(name, value),
                "money": name in admin.money_fields,
                "not_sent": not _sent_by_quipu(record, name),
            }
        )
    return rows


def _related_documents(request, client, admin, record) -> dict | None:
    related = admin.related_documents
    if related is None:
        return None
    number = positive_int(request.GET.get("documents_page"), 1)
    page = services.related_documents_page(
        client=client, filters={related.filter_name: record.id}, page=number, page_size=related.page_size
    )
    names = document_names(client=client, connection=request.connection)
    columns = [column for column in DOCUMENT_COLUMNS if column is not COUNTERPART]
    try:
        all_url = connection_reverse(related.list_url_name) + querystring({related.list_param: record.id})
    except Exception:  # noqa: BLE001 - the document list may not be installed
        all_url = None
    return {
        "label": related.label,
        "page": page,
        "headers": [column.label for column in columns],
        "numbers": [column.is_number for column in columns],
        "rows": [
            {"record": r, "cells": [{"column": c, "html": c.render(r, names)} for c in columns]}
            for r in page.records
        ],
        "previous_url": querystring({"documents_page": number - 1}) if number > 1 else None,
        "next_url": querystring({"documents_page": number + 1}) if number < page.total_pages else None,
        "all_url": all_url,
    }


@connection_required
@quipu_boundary
@require_GET
def reference_detail(request, pk, *, admin):
    client = client_for(request.connection)
    record = services.reference_record_get(client=client, admin=admin, record_id=pk)
    context = {
        **base_context(request, admin),
        "record": record,
        "label": admin.record_label(record),
        "fields": detail_rows(admin, record, _lazy_refdata(client)),
        "related": _related_documents(request, client, admin, record),
        **admin.detail_extra(request=request, client=client, record=record),
    }
    return render(request, templates(admin, "detail"), context)


# Create and edit ----------------------------------------------------------------------------------


def _send(form, write):
    """Send the write; on a refusal put Quipu's words on the form and return None."""
    try:
        return write()
    except QuipuValidationError as error:
        validation_errors_apply(error=error, form=form)
    except QuipuForbiddenError as error:
        form.add_error(None, _("Quipu refused: %(reason)s") % {"reason": error.reason or error.message})
    except NOT_SAVED_ERRORS as error:
        not_saved_error(form, error)
    return None


def _after_save_url(admin, record_id) -> str:
    if admin.has_detail:
        return connection_reverse(f"{admin.namespace}:detail", args=[record_id])
    return connection_reverse(f"{admin.namespace}:list")


@connection_required
@quipu_boundary
def reference_form(request, pk, *, admin):
    if (pk is None and not admin.can_create) or (pk is not None and not admin.can_edit):
        raise Http404
    client = client_for(request.connection)
    # Read right before writing: a save checks Quipu's version against the one the form loaded.
    record = services.reference_record_get(client=client, admin=admin, record_id=pk) if pk else None
    loaded = current = conflict = None
    if record is not None:
        current = {"fields": admin.form_class.initial_from(record)}
        loaded = conflicts.loaded_state(request, current)
        shown = loaded or conflicts.state_json(current)
        initial = conflicts.retyped(admin.form_class.base_fields, shown["fields"])
    else:
        initial = {name: value for name, value in request.GET.items() if name in admin.form_class.base_fields}
    data = request.POST if request.method == "POST" else None
    form = admin.form_class(data, initial=initial, refdata=_lazy_refdata(client), record=record)
    if data is not None and form.is_valid() and record is not None:
        outcome = conflicts.edit_outcome(request, loaded=loaded, current=current)
        if outcome == conflicts.CONFLICT:
            conflict = conflicts.conflict_for(loaded=loaded, current=current, form_fields=form.fields)
        elif outcome == conflicts.MERGE:
            conflicts.merge_fields(form, conflicts.state_json(current)["fields"])
    if data is not None and form.is_valid() and conflict is None:
        saved = _send(
            form,
            lambda: services.reference_record_save(
                client=client,
                connection=request.connection,
                user=request.user,
                admin=admin,
                record=record,
                payload=form.api_input(),
            ),
        )
        if saved is not None:
            label = admin.record_label(saved)
            message = _("%(name)s created.") if record is None else _("%(name)s saved.")
            messages.success(request, message % {"name": label})
            return redirect_to(request, _after_save_url(admin, saved.id or pk))
    if record is not None:
        title = _("Edit %(name)s") % {"name": admin.record_label(record)}
    else:
        title = _("New %(name)s") % {"name": admin.verbose_name}
    context = {
        **base_context(request, admin),
        "form": form,
        "record": record,
        "label": admin.record_label(record) if record is not None else "",
        "title": title,
        "conflict": conflict,
        "loaded_token": conflicts.loaded_token(request, loaded) if record is not None else "",
    }
    return render(
        request, templates(admin, "form", "reference-form" if is_partial(request) else None), context
    )
