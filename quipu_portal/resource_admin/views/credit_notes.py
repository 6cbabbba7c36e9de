"""Credit notes and amending documents: a full or partial refund of a document, sent once."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.htmx import redirect_to
from quipu_portal.core.once import once_done, once_release, once_take_over, once_uncertain, sent_once
from quipu_portal.quipu.errors import (
    QuipuError,
    QuipuForbiddenError,
    QuipuUnavailableError,
    QuipuValidationError,
)
from quipu_portal.resource_admin import services
from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.forms import Choices, CreditNoteForm, ItemFormSet, blank_item_formset
from quipu_portal.resource_admin.pages import NOT_SAVED_ERRORS, base_context, not_saved_error, templates
from quipu_portal.resource_admin.views.detail import detail_items
from quipu_portal.resource_admin.views.edit import ITEMS_PREFIX


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
        not_saved_error(form, reading_error)
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
                return redirect_to(request, created_url)
    context = {
        **base_context(request, admin),
        "record": record,
        "record_id": pk,
        "label": label,
        "form": form,
        "formset": formset,
        "items": _original_items(client, request.connection, record),
    }
    return render(request, templates(admin, "amend"), context)


def _original_items(client, connection, record) -> list[dict]:
    if record is None:
        return []
    try:
        return detail_items(record, services.document_names(client=client, connection=connection))
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
            not_saved_error(form, error)
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
            user=request.user,
            connection=request.connection,
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
            not_saved_error(form, error)
            return None
        return _credit_note_answer_lost(request, admin, claim=claim, client=client, record=record, form=form)
    except NOT_SAVED_ERRORS as error:
        once_release(claim)
        not_saved_error(form, error)
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
