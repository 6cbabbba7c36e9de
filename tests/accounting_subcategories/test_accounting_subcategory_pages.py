"""Accounting subcategories: list by category, create, edit, delete, and Quipu's 422s and refusals."""

import re

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.records import RecordInput
from tests.helpers import form_data, htmx
from tests.reference_pages import field_errors, row_ids


def category(quipu, prefix: str):
    return next(iter(quipu.iterate("accounting_categories", filters={"prefix": prefix})))


def subcategory(quipu, category_id, suffix="3", name="Neumáticos"):
    return quipu.create(
        "accounting_subcategories",
        RecordInput(
            attributes={"name": name, "suffix": suffix}, relationships={"accounting_category": category_id}
        ),
    )


def test_the_list_shows_every_subcategory_with_its_full_account(portal, quipu):
    supplies = category(quipu, "600")
    created = subcategory(quipu, supplies.id)

    response = portal.get(connection_reverse("accounting_subcategories:list"))

    assert row_ids(response) == [s.id for s in quipu.list("accounting_subcategories").records]
    page = response.content.decode()
    assert "60000003" in page and f"600 · {supplies.name}" in page
    assert connection_reverse("accounting_subcategories:edit", args=[created.id]) in page


def test_the_list_filters_by_category(portal, quipu):
    supplies, services = category(quipu, "600"), category(quipu, "705")
    subcategory(quipu, supplies.id)

    for chosen in (supplies, services):
        expected = [
            s.id
            for s in quipu.list(
                "accounting_subcategories", filters={"accounting_category_id": chosen.id}
            ).records
        ]
        assert expected
        response = portal.get(
            connection_reverse("accounting_subcategories:list"), {"accounting_category": chosen.id}
        )
        assert row_ids(response) == expected
        assert f'<option value="{chosen.id}" selected>' in response.content.decode()


def test_create_from_the_categorys_page_keeps_the_category_chosen(portal, quipu):
    services = category(quipu, "705")
    url = connection_reverse("accounting_subcategories:create") + f"?accounting_category={services.id}"
    data = form_data(portal.get(url), "reference-form")
    assert data["accounting_category"] == services.id
    data.update(suffix="12", name="Revisiones")

    response = portal.post(url, data)

    assert response.status_code == 302
    saved = next(s for s in quipu.iterate("accounting_subcategories") if s.name == "Revisiones")
    assert (saved.suffix, saved.accounting_category.id) == ("12", services.id)


def test_a_suffix_taken_in_the_same_category_is_shown_on_the_suffix(portal, quipu):
    services = category(quipu, "705")
    taken = next(
        s for s in quipu.iterate("accounting_subcategories") if s.accounting_category.id == services.id
    )

    response = portal.post(
        connection_reverse("accounting_subcategories:create"),
        {"accounting_category": services.id, "suffix": taken.suffix, "name": "Otra"},
        headers=htmx(),
    )

    assert response.status_code == 200
    assert "has already been taken" in field_errors(response, "suffix")
    assert field_errors(response, "name") == ""
    assert 'value="Otra"' in response.content.decode()


def test_the_same_suffix_in_another_category_is_fine(portal, quipu):
    services, supplies = category(quipu, "705"), category(quipu, "600")
    taken = next(
        s for s in quipu.iterate("accounting_subcategories") if s.accounting_category.id == services.id
    )

    response = portal.post(
        connection_reverse("accounting_subcategories:create"),
        {"accounting_category": supplies.id, "suffix": taken.suffix, "name": "Aceites"},
    )

    assert response.status_code == 302


def test_a_suffix_too_long_for_the_account_is_quipus_422_on_the_suffix(portal, quipu):
    response = portal.post(
        connection_reverse("accounting_subcategories:create"),
        {"accounting_category": category(quipu, "600").id, "suffix": "123456", "name": "Demasiado"},
    )

    assert "too long" in field_errors(response, "suffix")


def test_a_suffix_must_be_digits_before_reaching_quipu(portal, quipu):
    response = portal.post(
        connection_reverse("accounting_subcategories:create"),
        {"accounting_category": category(quipu, "600").id, "suffix": "A1", "name": "Letras"},
    )

    assert "Digits only" in field_errors(response, "suffix")


def test_edit_renames_and_moves_a_subcategory(portal, quipu):
    created = subcategory(quipu, category(quipu, "600").id)
    url = connection_reverse("accounting_subcategories:edit", args=[created.id])
    data = form_data(portal.get(url), "reference-form")
    assert data["suffix"] == "3" and data["name"] == "Neumáticos"
    data.update(name="Neumáticos y llantas", accounting_category=category(quipu, "629").id)

    response = portal.post(url, data)

    assert response.status_code == 302 and response["Location"] == connection_reverse(
        "accounting_subcategories:list"
    )
    saved = quipu.retrieve("accounting_subcategories", created.id)
    assert (saved.name, saved.accounting_category.id) == ("Neumáticos y llantas", category(quipu, "629").id)


def test_delete_an_unused_subcategory(portal, quipu):
    created = subcategory(quipu, category(quipu, "600").id)

    response = portal.post(connection_reverse("accounting_subcategories:delete", args=[created.id]))

    assert response.status_code == 302
    assert created.id not in [s.id for s in quipu.iterate("accounting_subcategories")]


def test_deleting_a_subcategory_documents_use_explains_the_refusal(portal, quipu):
    used = next(iter(quipu.iterate("accounting_subcategories")))  # the seed books income to it

    response = portal.post(connection_reverse("accounting_subcategories:delete", args=[used.id]))

    page = response.content.decode()
    assert 'data-testid="delete-refused"' in page
    assert "Move those documents" in page
    assert quipu.retrieve("accounting_subcategories", used.id).name == used.name


def test_the_subcategory_picker_searches_within_the_chosen_category(portal, quipu):
    supplies, services = category(quipu, "600"), category(quipu, "705")
    subcategory(quipu, supplies.id, suffix="8", name="Servicios de grúa")
    url = connection_reverse("accounting_subcategories:picker")

    response = portal.get(
        url,
        {
            "field": "accounting_subcategory",
            "depends": "accounting_category",
            "accounting_category": services.id,
            "picker_q": "servicios",
        },
    )

    labels = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', response.content.decode())
    assert labels == ["70500001 · Servicios"]
