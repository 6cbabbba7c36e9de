"""The generic create and edit pages of documents (with their lines), and the subcategory picker."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import is_partial, redirect_to
from quipu_portal.quipu.errors import QuipuValidationError
from quipu_portal.resource_admin import conflicts, services
from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.forms import DocumentForm, ItemForm, ItemFormSet, blank_item_formset
from quipu_portal.resource_admin.pages import NOT_SAVED_ERRORS, base_context, not_saved_error, templates
from quipu_portal.resource_admin.views.detail import detail_fields

ITEMS_PREFIX = "items"


def _document_forms(request, admin, *, choices, initial, item_initial, kind):
    data = request.POST if request.method == "POST" else None
    if data is not None and "_add_item" in data:
        data = blank_item_formset(ItemFormSet, data, prefix=ITEMS_PREFIX)
    subcategories_url = connection_reverse(f"{admin.namespace}:subcategories")
    form = DocumentForm(
        data,
        initial=initial,
        fields=admin.fields_for(kind),
        required=admin.required_fields,
        choices=choices,
        subcategories_url=subcategories_url,
    )
    formset = None
    if admin.has_items:
        formset = ItemFormSet(
            data,
            initial=item_initial,
            prefix=ITEMS_PREFIX,
            choices=choices,
            with_categories=admin.item_categories,
            document_kind=kind,
            subcategories_url=subcategories_url,
        )
    if request.method == "POST" and not _submitted(request):
        _quiet(form, formset)
    return form, formset


def _quiet(form, formset) -> None:
    """Redrawing a half-typed form (a line added, the kind changed) is not the time to flag errors."""
    form.full_clean()
    form._errors.clear()
    if formset is not None:
        formset.full_clean()
        for item_form in formset.forms:
            item_form._errors.clear()
        formset._errors = [item_form._errors for item_form in formset.forms]
        formset._non_form_errors.clear()


def _submitted(request) -> bool:
    """A POST that means "save" (not "add a line", nor "show the fields of the kind I just chose")."""
    return request.method == "POST" and "_add_item" not in request.POST and "_refresh" not in request.POST


def _form_response(request, admin, context):
    return render(
        request, templates(admin, "form", "document-form" if is_partial(request) else None), context
    )


def _form_context(request, admin, *, form, formset, record=None, title):
    preview = None
    if formset is not None and formset.is_bound and formset.is_valid():
        totals = [f.preview_total() for f in formset.ordered_forms_to_send()]
        preview = sum((total for total in totals if total is not None), start=0)
    return {
        **base_context(request, admin),
        "form": form,
        "formset": formset,
        "record": record,
        "title": title,
        "preview_total": preview,
        "read_only_fields": [field for field in detail_fields(admin, record) if field["read_only"]]
        if record
        else [],
    }


def _save(request, admin, *, form, formset, record, write, merge_from=None):
    """Send the write; on a 422 put Quipu's messages on the fields and return None. With
    ``merge_from`` (the version the form loaded), the edit is applied on top of ``record``."""
    if merge_from is not None:
        payload, sent_forms = services.document_input_merged(
            form=form,
            formset=formset,
            record=record,
            loaded=merge_from,
            item_categories=admin.item_categories,
        )
    else:
        payload, sent_forms = services.document_input(
            form=form, formset=formset, record=record, item_categories=admin.item_categories
        )
    try:
        return write(payload)
    except QuipuValidationError as error:
        services.validation_errors_apply(error=error, form=form, formset=formset, sent_forms=sent_forms)
    except NOT_SAVED_ERRORS as error:
        not_saved_error(form, error)
    return None


def _document_form_page(request, admin, *, form, formset, record, write, title, versions=None):
    """Save a complete submission and go to the document; otherwise show the form (again).

    ``versions`` (editing): the state the form loaded and Quipu's present one. When they differ,
    nothing is written until the user has seen the differences and chosen (see conflicts.py)."""
    conflict = None
    if _submitted(request) and form.is_valid() and (formset is None or formset.is_valid()):
        outcome, loaded = conflicts.SAVE, None
        if versions is not None:
            loaded, current = versions
            outcome = conflicts.edit_outcome(request, loaded=loaded, current=current)
        if outcome == conflicts.CONFLICT:
            conflict = conflicts.conflict_for(
                loaded=loaded,
                current=current,
                form_fields=form.fields,
                item_fields=formset.empty_form.fields if formset is not None else None,
            )
        else:
            merge_from = loaded if outcome == conflicts.MERGE else None
            saved = _save(
                request, admin, form=form, formset=formset, record=record, write=write, merge_from=merge_from
            )
            if saved is not None:
                document = saved if record is None else record
                message = _("%(document)s created.") if record is None else _("%(document)s saved.")
                messages.success(request, message % {"document": admin.record_label(document)})
                return redirect_to(
                    request, connection_reverse(f"{admin.namespace}:detail", args=[document.id])
                )
    context = _form_context(request, admin, form=form, formset=formset, record=record, title=title)
    if versions is not None:
        context.update(conflict=conflict, loaded_token=conflicts.loaded_token(request, versions[0]))
    return _form_response(request, admin, context)


@connection_required
@quipu_boundary
def resource_create(request, *, admin):
    if not admin.can_create:
        raise Http404
    client = client_for(request.connection)
    choices = services.document_choices(client=client, connection=request.connection)
    kind = request.POST.get("kind") or request.GET.get("kind") or admin.create_initial.get("kind") or "income"
    initial = {"issue_date": datetime.date.today(), "kind": kind, **admin.create_initial}
    form, formset = _document_forms(
        request, admin, choices=choices, initial=initial, item_initial=[], kind=kind
    )
    if formset is not None and not formset.is_bound:
        formset.extra = 1  # a new document starts with one empty line
    if admin.kind_fields and "kind" in form.fields:
        # Choosing the kind redraws the form: income and expenses document different names.
        form.fields["kind"].widget.attrs.update(
            {"hx-post": request.get_full_path(), "hx-vals": '{"_refresh": "1"}', "hx-trigger": "change"}
        )
    return _document_form_page(
        request,
        admin,
        form=form,
        formset=formset,
        record=None,
        write=lambda payload: services.document_create(
            client=client, admin=admin, payload=payload, user=request.user, connection=request.connection
        ),
        title=_("New %(name)s") % {"name": admin.verbose_name},
    )


@connection_required
@quipu_boundary
def resource_edit(request, pk, *, admin):
    if not admin.can_edit:
        raise Http404
    client = client_for(request.connection)
    # Always the current version from Quipu, read right before writing: a save checks it against the
    # version the form loaded, so that nothing changed in Quipu meanwhile is overwritten.
    record = services.document_get(client=client, admin=admin, document_id=pk)
    choices = services.document_choices(client=client, connection=request.connection)
    current = services.document_state(record=record, admin=admin)
    loaded = conflicts.loaded_state(request, current)
    shown = loaded or conflicts.state_json(current)
    kind = request.POST.get("kind") or attr(record, "kind")
    form, formset = _document_forms(
        request,
        admin,
        choices=choices,
        initial=conflicts.retyped(DocumentForm.base_fields, shown["fields"]),
        item_initial=[conflicts.retyped(ItemForm.base_fields, row) for row in shown.get("items") or ()],
        kind=kind,
    )
    return _document_form_page(
        request,
        admin,
        form=form,
        formset=formset,
        record=record,
        write=lambda payload: services.document_update(
            client=client,
            admin=admin,
            record=record,
            payload=payload,
            user=request.user,
            connection=request.connection,
        ),
        title=_("Edit %(document)s") % {"document": admin.record_label(record)},
        versions=(loaded, current),
    )


@connection_required
@quipu_boundary
@require_GET
def subcategory_options(request, *, admin):
    """The <option>s of the subcategories of the chosen category (the picker follows the category)."""
    client = client_for(request.connection)
    category = next((value for key, value in request.GET.items() if key.endswith("accounting_category")), "")
    choices = services.document_choices(client=client, connection=request.connection, with_contacts=False)
    return HttpResponse(options_html(choices.subcategory_choices(category or None)))


def options_html(choices) -> str:
    def option(value, label):
        return format_html('<option value="{}">{}</option>', value, label)

    parts = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            inner = format_html_join("", '<option value="{}">{}</option>', label)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, inner))
        else:
            parts.append(option(value, label))
    return "".join(parts)
