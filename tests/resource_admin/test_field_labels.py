"""Every attribute Quipu documents is shown under a label of its own, in the user's language."""

import re

import pytest
from django.utils import translation

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.quipu.errors import FieldError, QuipuValidationError
from quipu_portal.quipu.resources import RESOURCES
from quipu_portal.resource_admin.display import HIDDEN_DETAIL_ATTRIBUTES, field_label
from quipu_portal.resource_admin.forms import DocumentForm, ItemForm
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.services import validation_errors_apply
from tests.helpers import first_document


def shown_attributes(spec) -> set[str]:
    kind_specific = {name for names in spec.writable_for_kind.values() for name in names}
    return ({*spec.writable, *spec.read_only, *spec.relationships} | kind_specific) - HIDDEN_DETAIL_ATTRIBUTES


def untranslated_name(name: str) -> str:
    """What a page would show for an attribute nobody labelled: its API name, in English."""
    return name.replace("_", " ").capitalize()


ADMINS_WITH_ATTRIBUTES = sorted(
    (namespace, admin)
    for namespace, admin in REGISTRY.items()
    if getattr(admin, "resource", None) in RESOURCES
)


@pytest.mark.parametrize(
    ("namespace", "admin"), ADMINS_WITH_ATTRIBUTES, ids=[n for n, _ in ADMINS_WITH_ATTRIBUTES]
)
def test_every_documented_attribute_has_a_spanish_label(namespace, admin):
    spec = RESOURCES[admin.resource]
    with translation.override("es"):
        unlabelled = sorted(
            name
            for name in shown_attributes(spec)
            if field_label(name, admin.field_labels) == untranslated_name(name)
        )
    assert unlabelled == []


def detail_labels(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(r"<dt>(.*?)</dt>", page, re.S)]


@pytest.mark.parametrize(
    ("namespace", "resource"), [("simplified_invoices", "simplified_invoices"), ("tickets", "tickets")]
)
def test_a_document_page_in_spanish_shows_no_attribute_by_its_api_name(
    portal, quipu, accountant, namespace, resource
):
    user_language_set(user=accountant, language="es")
    record = first_document(quipu, resource, resource=resource)

    page = portal.get(connection_reverse(f"{namespace}:detail", args=[record.id])).content.decode()

    labels = detail_labels(page)
    api_names = {untranslated_name(name) for name in record.raw_attributes}
    assert "Número de registro" in labels and "Nombre del emisor" in labels
    assert [label for label in labels if label in api_names] == []


def test_quipu_refusing_an_attribute_the_form_lacks_names_it_in_the_users_language():
    form = DocumentForm({"kind": "income"}, fields=("kind",))
    line = ItemForm({"concept": "Servicio"}, document_kind="income", with_categories=False)
    form.is_valid(), line.is_valid()
    refusal = QuipuValidationError(
        [
            FieldError("target_country", "no es válido"),
            FieldError("items", "no es válido", item_index=0, item_field="deductible_vat_percent"),
        ]
    )

    with translation.override("es"):
        validation_errors_apply(error=refusal, form=form, formset=object(), sent_forms=[line])
        assert form.non_field_errors() == ["País de destino: no es válido"]
        assert line.non_field_errors() == ["IVA deducible %: no es válido"]
