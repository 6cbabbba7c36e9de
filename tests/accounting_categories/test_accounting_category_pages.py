"""Accounting categories are read only: filters by kind and account number, subcategories shown."""

import re

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.records import RecordInput
from tests.reference_pages import row_ids


def api_ids(quipu, **filters) -> list[str]:
    return [c.id for c in quipu.list("accounting_categories", filters=filters, page_size=20).records]


def category(quipu, prefix: str):
    return next(c for c in quipu.iterate("accounting_categories", filters={"prefix": prefix}))


@pytest.mark.parametrize(
    "query, filters",
    [
        ({}, {}),
        ({"kind": "expenses"}, {"kind": "expenses"}),
        ({"kind": "income"}, {"kind": "income"}),
        ({"kind": "assets"}, {"kind": "assets"}),
        ({"prefix": "600, 629 ,705"}, {"prefix": "600,629,705"}),
        ({"kind": "income", "prefix": "705"}, {"kind": "income", "prefix": "705"}),
    ],
)
def test_each_filter_reaches_quipu(portal, quipu, query, filters):
    expected = api_ids(quipu, **filters)
    assert expected
    assert row_ids(portal.get(connection_reverse("accounting_categories:list"), query)) == expected


def test_a_prefix_that_is_not_a_number_is_explained(portal):
    response = portal.get(connection_reverse("accounting_categories:list"), {"prefix": "600, gastos"})

    page = response.content.decode()
    assert "Some filters need fixing" in page and "“gastos” is not an account number." in page


def test_the_list_shows_each_categorys_subcategories(portal, quipu):
    services = category(quipu, "705")
    subcategory_names = [
        s.name for s in quipu.iterate("accounting_subcategories") if s.accounting_category.id == services.id
    ]

    page = portal.get(connection_reverse("accounting_categories:list"), {"prefix": "705"}).content.decode()

    assert subcategory_names and all(name in page for name in subcategory_names)
    assert connection_reverse("accounting_categories:detail", args=[services.id]) in page


def test_detail_shows_the_subcategories_with_their_full_account_and_a_way_to_add_one(portal, quipu):
    services = category(quipu, "705")
    quipu.create(
        "accounting_subcategories",
        RecordInput(
            attributes={"name": "Revisiones ITV", "suffix": "7"},
            relationships={"accounting_category": services.id},
        ),
    )

    page = portal.get(connection_reverse("accounting_categories:detail", args=[services.id])).content.decode()

    assert "Revisiones ITV" in page
    assert "70500007" in page
    assert (
        f"{connection_reverse('accounting_subcategories:create')}?accounting_category={services.id}" in page
    )
    assert connection_reverse("accounting_categories:list") in page
    assert f"/accounting-categories/{services.id}/edit/" not in page


def test_there_is_no_way_to_write_categories(portal, quipu):
    services = category(quipu, "705")
    list_page = portal.get(connection_reverse("accounting_categories:list")).content.decode()

    assert "New accounting category" not in list_page
    category_page = connection_reverse("accounting_categories:list") + services.id
    assert portal.get(f"{category_page}/edit/").status_code == 404
    assert portal.post(f"{category_page}/delete/").status_code == 404


def test_the_category_picker_finds_by_number_or_name_with_the_documents_kind_first(portal, quipu):
    url = connection_reverse("accounting_categories:picker")

    by_number = portal.get(url, {"field": "accounting_category", "picker_q": "705"}).content.decode()
    by_name = portal.get(url, {"field": "accounting_category", "picker_q": "SERVICIOS", "kind": "expenses"})

    assert f"705 · {category(quipu, '705').name}" in by_number
    matching = [c for c in quipu.iterate("accounting_categories") if "servicios" in c.name.lower()]
    assert {c.kind for c in matching} >= {"income", "expenses"}
    offered = re.findall(r'<option value="(\d+)"', by_name.content.decode())
    assert set(offered) == {c.id for c in matching}
    kinds = [next(c.kind for c in matching if c.id == offered_id) for offered_id in offered]
    assert kinds == sorted(kinds, key=lambda kind: kind != "expenses")  # expenses first
