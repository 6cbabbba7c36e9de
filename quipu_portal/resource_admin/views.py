"""The generic list, detail, create, edit and delete views every resource app gets.

Each view reads top to bottom: parse input with a form, get a client, call one service, pick a
response (full page, an htmx partial, or a redirect). Quipu's errors are turned into pages by
`quipu_boundary`; a 422 on a write goes back onto the form.
"""

import datetime
import math

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.once import (
    once_done,
    once_release,
    once_take_over,
    once_uncertain,
    sent_once,
)
from quipu_portal.exports.views import list_totals_context
from quipu_portal.pdfs.filenames import content_disposition, download_names
from quipu_portal.quipu.errors import (
    QuipuError,
    QuipuForbiddenError,
    QuipuRateLimitedError,
    QuipuServerError,
    QuipuTooLargeError,
    QuipuUnavailableError,
    QuipuValidationError,
)
from quipu_portal.resource_admin import conflicts, services
from quipu_portal.resource_admin.access import (
    attr,
    counterpart_name,
    document_number,
    document_type,
    rel_id,
    rel_ids,
)
from quipu_portal.resource_admin.columns import KIND_BADGES, PAYMENT_BADGES
from quipu_portal.resource_admin.errors import quipu_boundary, refusal_reason
from quipu_portal.resource_admin.filters import (
    PER_PAGE_CHOICES,
    DocumentFilterForm,
    parse_sort,
    sort_toggled,
    sort_without,
)
from quipu_portal.resource_admin.forms import (
    PAYMENT_METHOD_CHOICES,
    RELATIONSHIP_FIELDS,
    AttachmentForm,
    Choices,
    CreditNoteForm,
    DocumentForm,
    ItemForm,
    ItemFormSet,
    blank_item_formset,
)

ITEMS_PREFIX = "items"


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _templates(admin, page: str, partial: str | None = None) -> list[str]:
    names = admin.template_names(page)
    return [f"{name}#{partial}" for name in names] if partial else names


def _redirect(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _list_url(admin, query: str) -> str:
    """The list page, filtered and sorted as the user left it."""
    return connection_reverse(f"{admin.namespace}:list") + (f"?{query}" if query else "")


def _base_context(request, admin) -> dict:
    return {"admin": admin, "connection": request.connection, "opts": admin}


# List -----------------------------------------------------------------------------------------------


def _querystring(params: dict) -> str:
    from django.utils.http import urlencode

    return "?" + urlencode([(key, value) for key, value in params.items() if value not in (None, "", [])])


def _list_headers(admin, base: dict, criteria: list[str]) -> list[dict]:
    headers = []
    primary = {c.lstrip("-"): (index + 1, c.startswith("-")) for index, c in enumerate(criteria)}
    for column in admin.columns:
        header = {"column": column, "label": column.label, "number": column.is_number}
        if column.sort_key in admin.sorts:
            priority, descending = primary.get(column.sort_key, (None, False))
            header.update(
                sortable=True,
                priority=priority if len(criteria) > 1 else None,
                direction=(("descending" if descending else "ascending") if priority else "none"),
                toggle_url=_querystring({**base, "sort": ",".join(sort_toggled(criteria, column.sort_key))}),
                remove_url=(
                    _querystring({**base, "sort": ",".join(sort_without(criteria, column.sort_key))})
                    if priority
                    else None
                ),
            )
        headers.append(header)
    return headers


def _page_links(current: int, total: int) -> list[int | None]:
    """Page numbers to show: the ends and a window around the current one, None for a gap."""
    wanted = {1, total, *range(max(1, current - 2), min(total, current + 2) + 1)}
    links, previous = [], 0
    for number in sorted(wanted):
        if number - previous > 1:
            links.append(None)
        links.append(number)
        previous = number
    return links


def _positive_int(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _list_params(request, admin) -> dict:
    """The sort, page and page size the list URL asks for, as the list services take them."""
    per_page = request.GET.get("per_page") if request.GET.get("per_page") in dict(PER_PAGE_CHOICES) else "20"
    return {
        "sort": parse_sort(request.GET.get("sort"), admin.sorts) or list(admin.default_sort),
        "page": _positive_int(request.GET.get("page"), 1),
        "page_size": int(per_page),
    }


def _pagination(base: dict, page) -> dict:
    return {
        "page_links": [
            {
                "number": n,
                "url": _querystring({**base, "page": n}) if n else None,
                "current": n == page.current_page,
            }
            for n in _page_links(page.current_page, max(page.total_pages, 1))
        ],
        "previous_url": _querystring({**base, "page": page.current_page - 1})
        if page.current_page > 1
        else None,
        "next_url": _querystring({**base, "page": page.current_page + 1})
        if page.current_page < page.total_pages
        else None,
    }


def _list_response(request, admin, *, params, page, names, filter_form, filters, **extra):
    """The list page, or only its results for an htmx request."""
    criteria = params["sort"]
    # The current filters as URL parameters, for header, page and "select all" links.
    base = {key: value for key, value in request.GET.items() if key not in ("page", "sort") and value}
    base_with_sort = {**base, "sort": ",".join(criteria)}
    rows = [
        {
            "record": record,
            "cells": [
                {"column": column, "html": column.render(record, names, admin.namespace)}
                for column in admin.columns
            ],
        }
        for record in page.records
    ]
    context = {
        **_base_context(request, admin),
        "filter_form": filter_form,
        "filters_active": bool(filters),
        "page": page,
        "rows": rows,
        "headers": _list_headers(admin, base, criteria),
        "sort": ",".join(criteria),
        "per_page": str(params["page_size"]),
        "per_page_choices": [value for value, _label in PER_PAGE_CHOICES],
        **_pagination(base_with_sort, page),
        "query": _querystring(base_with_sort)[1:],
        "waited": math.ceil(page.waited_seconds) if page.waited_seconds >= 1 else 0,
        **extra,
    }
    return render(request, _templates(admin, "list", "results" if _partial(request) else None), context)


@connection_required
@quipu_boundary
@require_GET
def resource_list(request, *, admin):
    client = client_for(request.connection)
    contacts = ()
    if "contact" in admin.list_filters:
        contacts = services.contact_names_if_ready(client=client, connection=request.connection)
    names_loading = contacts is None
    if contacts is None:
        # Not fetched yet (rate budget): a chosen contact still filters, shown by its id.
        wanted = request.GET.get("contact")
        contacts = [(wanted, wanted)] if wanted else []
    filter_form = DocumentFilterForm(request.GET, filters=admin.list_filters, contact_choices=contacts)
    filters = filter_form.api_filters() if filter_form.is_valid() else {}
    params = _list_params(request, admin)
    page = services.document_list(client=client, admin=admin, filters=filters, **params)
    names = services.document_names(client=client, connection=request.connection)
    return _list_response(
        request,
        admin,
        params=params,
        page=page,
        names=names,
        names_loading=names_loading or names.loading,
        filter_form=filter_form,
        filters=filters,
        ignored_filters=[
            filter_form.fields[name].label for name in page.ignored_filters if name in filter_form.fields
        ],
        **list_totals_context(request, admin=admin, page=page),
    )


# Detail -----------------------------------------------------------------------------------------------


@connection_required
@quipu_boundary
@require_GET
def resource_detail(request, pk, *, admin):
    client = client_for(request.connection)
    record = services.document_get(client=client, admin=admin, document_id=pk)
    names = services.document_names(client=client, connection=request.connection, with_contacts=True)
    attachments = services.document_attachments(client=client, record=record) if admin.has_attachments else []
    context = {
        **_base_context(request, admin),
        "record": record,
        "label": admin.record_label(record),
        "names": names,
        "counterpart": counterpart_name(record),
        "fields": _detail_fields(admin, record),
        "relations": _detail_relations(admin, record, names),
        "parties": _parties(record),
        "items": _detail_items(record, names),
        "totals": _totals(record),
        "amended": _linked(admin, record, admin.amended_relation),
        "amending": _linked(admin, record, admin.amending_relation),
        "attachments": attachments,
        "attachment_form": AttachmentForm() if admin.has_attachments else None,
        "pdf_url": _pdf_url(admin, record),
    }
    return render(request, _templates(admin, "detail"), context)


FIELD_LABELS = {
    "kind": gettext_lazy("Kind"),
    "number": gettext_lazy("Number"),
    "issue_date": gettext_lazy("Issue date"),
    "due_dates": gettext_lazy("Due dates"),
    "paid_at": gettext_lazy("Paid on"),
    "payment_method": gettext_lazy("Payment method"),
    "payment_status": gettext_lazy("Payment status"),
    "stage": gettext_lazy("Stage"),
    "tags": gettext_lazy("Tags"),
    "notes": gettext_lazy("Notes"),
    "total_amount_without_taxes": gettext_lazy("Before taxes"),
    "vat_amount": gettext_lazy("VAT"),
    "retention_amount": gettext_lazy("Withholding"),
    "total_amount": gettext_lazy("Total"),
    "last_sent_at": gettext_lazy("Last sent"),
    "net_pay": gettext_lazy("Net pay"),
    "gross_pay": gettext_lazy("Gross pay"),
    "employee_ss_amount": gettext_lazy("Employee social security"),
    "employee_retention": gettext_lazy("Employee withholding"),
    "company_ss_amount": gettext_lazy("Company social security"),
    "credit_note_reason": gettext_lazy("Reason for the amendment"),
    "validation_status": gettext_lazy("Validation"),
    "accounting_account_code": gettext_lazy("Ledger account"),
}
MONEY_FIELDS = {
    "total_amount_without_taxes",
    "vat_amount",
    "retention_amount",
    "total_amount",
    "net_pay",
    "gross_pay",
    "employee_ss_amount",
    "employee_retention",
    "company_ss_amount",
}
VALUE_LABELS = {
    "kind": {key: label for key, (label, _css) in KIND_BADGES.items()},
    "payment_status": {key: label for key, (label, _css) in PAYMENT_BADGES.items()},
    "payment_method": dict(PAYMENT_METHOD_CHOICES),
    "stage": {"draft": gettext_lazy("Draft"), "final": gettext_lazy("Final")},
}
HIDDEN_DETAIL_ATTRIBUTES = {
    "download_pdf_url",
    "ephemeral_open_download_pdf_url",
    "concepts",
    "detailed_amounts",
}


def _label(name: str) -> str:
    return str(FIELD_LABELS.get(name) or name.replace("_", " ").capitalize())


def _detail_fields(admin, record) -> list[dict]:
    """Every attribute Quipu sent, except the counterparties (shown apart); read-only ones marked."""
    names = [name for name in admin.form_fields if name not in RELATIONSHIP_FIELDS] + list(
        admin.readonly_fields
    )
    for name in getattr(record, "raw_attributes", {}) or {}:
        if (
            name not in names
            and not name.startswith(("issuing_", "recipient_"))
            and name not in HIDDEN_DETAIL_ATTRIBUTES
        ):
            names.append(name)
    fields, seen = [], set()
    for name in names:
        if name in seen or name in HIDDEN_DETAIL_ATTRIBUTES:
            continue
        seen.add(name)
        value = attr(record, name) if name != "number" else document_number(record)
        fields.append(
            {
                "name": name,
                "label": _label(name),
                "value": value,
                "display": _display(name, value),
                "money": name in MONEY_FIELDS,
                "read_only": name in admin.readonly_fields,
            }
        )
    return fields


def _display(name: str, value) -> str:
    if value is None or value == "" or value == ():
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_display(name, item) for item in value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in VALUE_LABELS:
        return str(VALUE_LABELS[name].get(value, value))
    return str(value)


def _detail_relations(admin, record, names) -> list[dict]:
    relations = []
    if "contact" in admin.relations:
        contact_id = rel_id(record, "contact")
        relations.append(
            {
                "label": _("Contact"),
                "value": names.contact(contact_id) or counterpart_name(record),
                "url": _contact_url(contact_id),
            }
        )
    category_id = rel_id(record, "accounting_category")
    relations.append({"label": _("Accounting category"), "value": names.category(category_id)})
    relations.append(
        {
            "label": _("Accounting subcategory"),
            "value": names.subcategory(rel_id(record, "accounting_subcategory")),
        }
    )
    if "numeration" in admin.relations:
        relations.append(
            {"label": _("Numbering series"), "value": names.numbering(rel_id(record, "numeration"))}
        )
    relations.append(
        {
            "label": _("Analytic categories"),
            "value": ", ".join(names.analytic_names(rel_ids(record, "analytic_categories"))),
        }
    )
    return relations


def _contact_url(contact_id) -> str | None:
    if not contact_id:
        return None
    try:
        return connection_reverse("contacts:detail", args=[contact_id])
    except Exception:  # noqa: BLE001 - the contacts app may not be installed
        return None


def _parties(record) -> list[dict]:
    parties = []
    for side, title in (("issuing", _("Issuer")), ("recipient", _("Recipient"))):
        values = {
            name: attr(record, f"{side}_{name}")
            for name in ("name", "tax_id", "address", "zip_code", "town", "country_code", "phone")
        }
        if any(values.values()):
            parties.append({"title": title, **values})
    return parties


def _detail_items(record, names) -> list[dict]:
    rows = []
    for item in getattr(record, "items", ()) or ():
        rows.append(
            {
                "item": item,
                "category": names.category(rel_id(item, "accounting_category")),
                "subcategory": names.subcategory(rel_id(item, "accounting_subcategory")),
            }
        )
    return rows


def _totals(record) -> list[dict]:
    totals = []
    for name in ("total_amount_without_taxes", "vat_amount", "retention_amount", "total_amount"):
        value = attr(record, name)
        if value is not None:
            totals.append({"label": _label(name), "value": value, "name": name})
    return totals


def _linked(admin, record, relation: str | None) -> list[dict]:
    if not relation:
        return []
    links = []
    for ref_id in rel_ids(record, relation):
        url = connection_reverse(f"{admin.namespace}:detail", args=[ref_id])
        links.append({"id": ref_id, "url": url})
    return links


def _pdf_url(admin, record) -> str | None:
    """The PDF download (the pdfs app streams it with the connection's token), when Quipu has one."""
    if not admin.has_pdf or not attr(record, "download_pdf_url"):
        return None
    try:
        return connection_reverse("pdfs:download", args=[document_type(record), record.id])
    except NoReverseMatch:
        return None


# Create and edit ---------------------------------------------------------------------------------------


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
    return render(request, _templates(admin, "form", "document-form" if _partial(request) else None), context)


def _form_context(request, admin, *, form, formset, record=None, title):
    preview = None
    if formset is not None and formset.is_bound and formset.is_valid():
        totals = [f.preview_total() for f in formset.ordered_forms_to_send()]
        preview = sum((total for total in totals if total is not None), start=0)
    return {
        **_base_context(request, admin),
        "form": form,
        "formset": formset,
        "record": record,
        "title": title,
        "preview_total": preview,
        "read_only_fields": [field for field in _detail_fields(admin, record) if field["read_only"]]
        if record
        else [],
    }


# Quipu is busy or down: nothing was written, and saving again later may work.
NOT_SAVED_ERRORS = (QuipuRateLimitedError, QuipuUnavailableError, QuipuServerError)


def _not_saved_error(form, error) -> None:
    if isinstance(error, QuipuRateLimitedError):
        seconds = max(1, math.ceil(error.retry_after or 1))
        message = ngettext(
            "Quipu's rate limit is full, so nothing was saved yet. Press Save again in %(seconds)d second.",
            "Quipu's rate limit is full, so nothing was saved yet. Press Save again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    else:
        message = str(error.message)
    form.add_error(None, message)


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
        _not_saved_error(form, error)
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
                return _redirect(request, connection_reverse(f"{admin.namespace}:detail", args=[document.id]))
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


# Delete (documents and reference data alike) ------------------------------------------------------


@connection_required
@quipu_boundary
def resource_delete(request, pk, *, admin):
    if not admin.can_delete:
        raise Http404
    client = client_for(request.connection)
    record = admin.record_get(client=client, record_id=pk)
    label = admin.record_label(record)
    refusal = None
    if request.method == "POST":
        try:
            admin.record_delete(
                client=client, record=record, user=request.user, connection=request.connection
            )
        except QuipuForbiddenError as error:
            refusal = error.reason or str(error.message)
        except QuipuValidationError as error:  # 409 (changed meanwhile) or 422 (Quipu keeps it)
            refusal = refusal_reason(error)
        else:
            messages.success(request, admin.deleted_message % {"name": label})
            return _redirect(request, connection_reverse(f"{admin.namespace}:list"))
    context = {
        **_base_context(request, admin),
        "record": record,
        "label": label,
        "refusal": refusal,
        "refusal_explanation": admin.refusal_explanation(record) if refusal else "",
        **admin.delete_details(record),
    }
    return render(request, _templates(admin, "delete"), context)


# Credit notes and amending documents ----------------------------------------------------------------------


@connection_required
@quipu_boundary
def resource_amend(request, pk, *, admin):
    if not admin.amended_relation:
        raise Http404
    client = client_for(request.connection)
    record, choices, reading_error = None, Choices(), None
    try:
        record = services.document_get(client=client, admin=admin, document_id=pk)
        choices = services.document_choices(client=client, connection=request.connection, with_contacts=False)
    except NOT_SAVED_ERRORS as error:
        if request.method != "POST":
            raise
        reading_error = error  # the lines typed are shown again, with what is happening
    label = admin.record_label(record) if record is not None else _("document %(id)s") % {"id": pk}
    data = request.POST if request.method == "POST" else None
    if data is not None and "_add_item" in data:
        data = blank_item_formset(ItemFormSet, data, prefix=ITEMS_PREFIX)
    form = CreditNoteForm(data, initial={"mode": "full", "issue_date": datetime.date.today()})
    formset = ItemFormSet(
        data,
        prefix=ITEMS_PREFIX,
        initial=[],
        choices=choices,
        with_categories=admin.item_categories,
        document_kind=attr(record, "kind") if record is not None else None,
        subcategories_url=connection_reverse(f"{admin.namespace}:subcategories"),
    )
    if not formset.is_bound:
        formset.extra = 1
    if reading_error is not None:
        form.is_valid()
        _not_saved_error(form, reading_error)
    elif request.method == "POST" and "_add_item" not in request.POST and form.is_valid():
        partial = form.cleaned_data["mode"] == "partial"
        if not partial or formset.is_valid():
            with sent_once(request) as claim:
                created_url = _credit_note_send(
                    request,
                    admin,
                    claim=claim,
                    client=client,
                    record=record,
                    form=form,
                    formset=formset,
                    partial=partial,
                )
            if created_url:
                return _redirect(request, created_url)
    context = {
        **_base_context(request, admin),
        "record": record,
        "record_id": pk,
        "label": label,
        "form": form,
        "formset": formset,
        "items": _original_items(client, request.connection, record),
    }
    return render(request, _templates(admin, "amend"), context)


def _original_items(client, connection, record) -> list[dict]:
    if record is None:
        return []
    try:
        return _detail_items(record, services.document_names(client=client, connection=connection))
    except NOT_SAVED_ERRORS:
        return [{"item": item} for item in getattr(record, "items", ()) or ()]


def _credit_note_send(request, admin, *, claim, client, record, form, formset, partial) -> str | None:
    """Create the credit note once per rendered form; the URL to go to, or None to show the form again
    with what went wrong (everything typed kept). A create whose answer was lost is never repeated
    blindly: Quipu is asked first whether the credit note exists."""
    if claim.result_url:
        messages.info(request, _("This form was already sent: here is the credit note it created."))
        return claim.result_url
    if claim.sending:
        form.add_error(
            None, _("This form is still being sent. Wait a moment, then look at the document's credit notes.")
        )
        return None
    if claim.uncertain:
        try:
            found = services.credit_note_find(
                client=client, admin=admin, document_id=record.id, known=claim.context.get("known", [])
            )
        except NOT_SAVED_ERRORS as error:
            _not_saved_error(form, error)
            return None
        if found is not None:
            url = connection_reverse(f"{admin.namespace}:detail", args=[found])
            once_done(claim, url=url)
            messages.info(request, _("Quipu did create the credit note the first time: here it is."))
            return url
        # A slow Quipu may still be creating it; and only one submission sends it again.
        if claim.seconds_since < 2 * settings.QUIPU_TIMEOUT_SECONDS or not once_take_over(claim):
            form.add_error(None, CREDIT_NOTE_MAYBE_CREATED)
            return None
    sent_forms = formset.ordered_forms_to_send() if partial else []
    try:
        created = services.credit_note_create(
            client=client,
            admin=admin,
            document_id=record.id,
            attributes={
                "issue_date": form.cleaned_data["issue_date"].isoformat(),
                "credit_note_reason": form.cleaned_data.get("credit_note_reason"),
            },
            items=services.new_items_input(sent_forms) if partial else None,
        )
    except QuipuValidationError as error:
        once_release(claim)
        services.validation_errors_apply(error=error, form=form, formset=formset, sent_forms=sent_forms)
        return None
    except QuipuForbiddenError as error:
        once_release(claim)
        form.add_error(None, _("Quipu refused: %(reason)s") % {"reason": error.reason or error.message})
        return None
    except QuipuUnavailableError as error:
        if not error.may_have_been_applied:
            once_release(claim)
            _not_saved_error(form, error)
            return None
        return _credit_note_answer_lost(request, admin, claim=claim, client=client, record=record, form=form)
    except NOT_SAVED_ERRORS as error:
        once_release(claim)
        _not_saved_error(form, error)
        return None
    url = connection_reverse(f"{admin.namespace}:detail", args=[created.id])
    once_done(claim, url=url)
    messages.success(
        request, _("Credit note created for %(document)s.") % {"document": admin.record_label(record)}
    )
    return url


def _credit_note_answer_lost(request, admin, *, claim, client, record, form) -> str | None:
    known = services.credit_note_ids(record)  # read before the create was sent
    once_uncertain(claim, context={"known": known})
    try:
        found = services.credit_note_find(client=client, admin=admin, document_id=record.id, known=known)
    except QuipuError:
        found = None  # Quipu cannot be asked now either
    if found is not None:
        url = connection_reverse(f"{admin.namespace}:detail", args=[found])
        once_done(claim, url=url)
        messages.info(request, _("Quipu's answer was lost, but the credit note was created: here it is."))
        return url
    form.add_error(None, CREDIT_NOTE_MAYBE_CREATED)
    return None


CREDIT_NOTE_MAYBE_CREATED = gettext_lazy(
    "Quipu did not answer in time, so the credit note may have been created anyway. Nothing will be "
    "sent twice: check the document's credit notes, or press the button again in a minute and the "
    "portal will look for it first."
)


# Attachments -------------------------------------------------------------------------------------------------

INLINE_ATTACHMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})


@connection_required
@quipu_boundary
@require_POST
def attachment_upload(request, pk, *, admin):
    client = client_for(request.connection)
    services.document_get(client=client, admin=admin, document_id=pk)  # 404 unless it is on this account
    form = AttachmentForm(request.POST, request.FILES)
    detail = connection_reverse(f"{admin.namespace}:detail", args=[pk])
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return _redirect(request, detail)
    try:
        services.attachment_upload(client=client, document_id=pk, upload=form.cleaned_data["file"])
    except QuipuValidationError as error:
        for field_error in error.field_errors:
            messages.error(
                request, _("Quipu did not accept the file: %(reason)s") % {"reason": field_error.detail}
            )
    except QuipuTooLargeError as error:
        messages.error(request, _("Quipu did not accept the file: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("Attachment uploaded."))
    return _redirect(request, detail)


@connection_required
@quipu_boundary
@require_POST
def attachment_delete(request, pk, attachment_id, *, admin):
    client = client_for(request.connection)
    attachment = client.retrieve("attachments", attachment_id)
    if rel_id(attachment, "book_entry") not in (None, str(pk)):
        raise Http404
    try:
        services.attachment_delete(client=client, attachment_id=attachment_id)
    except QuipuForbiddenError as error:
        messages.error(
            request,
            _("Quipu refused to delete the attachment: %(reason)s")
            % {"reason": error.reason or error.message},
        )
    except QuipuValidationError as error:
        messages.error(
            request,
            _("Quipu refused to delete the attachment: %(reason)s") % {"reason": refusal_reason(error)},
        )
    else:
        messages.success(request, _("Attachment deleted."))
    return _redirect(request, connection_reverse(f"{admin.namespace}:detail", args=[pk]))


@connection_required
@quipu_boundary
@require_GET
def attachment_file(request, pk, attachment_id, *, admin):
    """The attachment (or its preview) through this portal: Quipu's file URLs need the connection's token."""
    client = client_for(request.connection)
    attachment = client.retrieve("attachments", attachment_id)
    if rel_id(attachment, "book_entry") not in (None, str(pk)):
        raise Http404
    size = request.GET.get("size")
    url = {"thumbnail": attachment.thumbnail_url, "small": attachment.small_url}.get(size) or attachment.url
    if not url:
        raise Http404
    download = client.download(url)
    # Only what a browser shows safely opens in the page; anything else (HTML, SVG, …) is a download.
    inline = download.content_type in INLINE_ATTACHMENT_TYPES
    response = StreamingHttpResponse(
        download.iter_content(), content_type=download.content_type if inline else "application/octet-stream"
    )
    ascii_name, readable_name = download_names(attachment.filename or download.filename)
    response["Content-Disposition"] = content_disposition(
        ascii_name=ascii_name, original_name=readable_name, inline=inline
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
