"""The generic document page: every attribute Quipu sent, the parties, lines, totals and links."""

from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.resource_admin import services
from quipu_portal.resource_admin.access import (
    attr,
    counterpart_name,
    document_number,
    document_type,
    rel_id,
    rel_ids,
)
from quipu_portal.resource_admin.display import (
    DOCUMENT_MONEY_FIELDS,
    HIDDEN_DETAIL_ATTRIBUTES,
    display_value,
    field_label,
    item_notes,
)
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.forms import RELATIONSHIP_FIELDS, AttachmentForm
from quipu_portal.resource_admin.pages import base_context, templates


@connection_required
@quipu_boundary
@require_GET
def resource_detail(request, pk, *, admin):
    client = client_for(request.connection)
    record = services.document_get(client=client, admin=admin, document_id=pk)
    names = services.document_names(client=client, connection=request.connection, with_contacts=True)
    attachments = services.document_attachments(client=client, record=record) if admin.has_attachments else []
    context = {
        **base_context(request, admin),
        "record": record,
        "label": admin.record_label(record),
        "names": names,
        "counterpart": counterpart_name(record),
        "fields": detail_fields(admin, record),
        "relations": _detail_relations(admin, record, names),
        "parties": _parties(record),
        "items": detail_items(record, names),
        "totals": _totals(record),
        "amended": _linked(admin, record, admin.amended_relation),
        "amending": _linked(admin, record, admin.amending_relation),
        "attachments": attachments,
        "attachment_form": AttachmentForm() if admin.has_attachments else None,
        "pdf_url": _pdf_url(admin, record),
    }
    return render(request, templates(admin, "detail"), context)


def detail_fields(admin, record) -> list[dict]:
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
                "label": field_label(name, admin.field_labels),
                "value": value,
                "display": display_value(name, value),
                "money": name in admin.money_fields,
                "read_only": name in admin.readonly_fields,
            }
        )
    return fields


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


def detail_items(record, names) -> list[dict]:
    rows = []
    for item in getattr(record, "items", ()) or ():
        rows.append(
            {
                "item": item,
                "category": names.category(rel_id(item, "accounting_category")),
                "subcategory": names.subcategory(rel_id(item, "accounting_subcategory")),
                "notes": item_notes(item),
            }
        )
    return rows


def _totals(record) -> list[dict]:
    totals = []
    for name in DOCUMENT_MONEY_FIELDS:
        value = attr(record, name)
        if value is not None:
            totals.append({"label": field_label(name), "value": value, "name": name})
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
