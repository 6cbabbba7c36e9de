"""Analytic categories as a tree: which ones documents can take, create under a group, edit, delete."""

import re

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.records import RecordInput
from tests.helpers import form_data
from tests.reference_pages import field_errors


def by_name(quipu, name):
    return next(c for c in quipu.iterate("analytic_categories") if c.name == name)


def node(page: str, record_id: str) -> str:
    """The tree node's own line (its children are in a nested list after it)."""
    return page.split(f'data-testid="tree-node" data-id="{record_id}"')[1].split("<ul>")[0]


def test_the_tree_nests_entries_under_their_group_and_says_which_documents_can_take(portal, quipu):
    group, leaf = by_name(quipu, "Departamentos"), by_name(quipu, "Comercial")

    page = portal.get(connection_reverse("analytic_categories:list")).content.decode()

    group_html = page.split(f'data-id="{group.id}"')[1]
    assert f'data-id="{leaf.id}"' in group_html.split("</ul>")[0]  # nested inside the group
    assert "not assignable to documents" in node(page, group.id)
    assert "Assignable to documents" in node(page, leaf.id)


def test_add_an_entry_under_a_group(portal, quipu):
    group = by_name(quipu, "Departamentos")
    url = connection_reverse("analytic_categories:create") + f"?parent={group.id}"
    data = form_data(portal.get(url), "reference-form")
    assert data["parent"] == group.id
    data["name"] = "Taller"

    response = portal.post(url, data)

    assert response.status_code == 302
    saved = by_name(quipu, "Taller")
    assert saved.parent.id == group.id
    assert "Assignable to documents" in node(
        portal.get(connection_reverse("analytic_categories:list")).content.decode(), saved.id
    )


def test_a_new_top_level_group_is_not_assignable(portal, quipu):
    response = portal.post(
        connection_reverse("analytic_categories:create"), {"name": "Proyectos", "parent": ""}
    )

    assert response.status_code == 302
    saved = by_name(quipu, "Proyectos")
    assert saved.parent is None
    assert "not assignable" in node(
        portal.get(connection_reverse("analytic_categories:list")).content.decode(), saved.id
    )


def test_a_category_cannot_move_under_its_own_entries(portal, quipu):
    group, leaf = by_name(quipu, "Departamentos"), by_name(quipu, "Comercial")
    url = connection_reverse("analytic_categories:edit", args=[group.id])

    form = portal.get(url).content.decode()
    response = portal.post(url, {"name": "Departamentos", "parent": leaf.id})

    parent_select = re.search(r'<select name="parent".*?</select>', form, re.S).group(0)
    assert f'value="{leaf.id}"' not in parent_select and f'value="{group.id}"' not in parent_select
    assert "Select a valid choice" in field_errors(response, "parent")


def test_rename_an_entry(portal, quipu):
    leaf = by_name(quipu, "Comercial")
    url = connection_reverse("analytic_categories:edit", args=[leaf.id])
    data = form_data(portal.get(url), "reference-form")
    data["name"] = "Comercial y ventas"

    response = portal.post(url, data)

    assert response.status_code == 302
    saved = quipu.retrieve("analytic_categories", leaf.id)
    assert (saved.name, saved.parent.id) == ("Comercial y ventas", by_name(quipu, "Departamentos").id)


def test_a_blank_name_is_refused_on_the_name_field(portal):
    response = portal.post(connection_reverse("analytic_categories:create"), {"name": "  "})

    assert "This field is required." in field_errors(response, "name")


def test_delete_an_unused_entry(portal, quipu):
    created = quipu.create("analytic_categories", RecordInput(attributes={"name": "Temporal"}))

    response = portal.post(connection_reverse("analytic_categories:delete", args=[created.id]))

    assert response.status_code == 302
    assert "Temporal" not in [c.name for c in quipu.iterate("analytic_categories")]


def test_deleting_a_group_with_entries_explains_the_refusal(portal, quipu):
    group = by_name(quipu, "Departamentos")

    response = portal.post(connection_reverse("analytic_categories:delete", args=[group.id]))

    page = response.content.decode()
    assert 'data-testid="delete-refused"' in page
    assert "entries under it" in page
    assert quipu.retrieve("analytic_categories", group.id).name == "Departamentos"


def test_new_entries_are_offered_at_once_on_documents(portal, quipu):
    portal.get(connection_reverse("invoices:create"))  # fills the reference-data cache
    portal.post(
        connection_reverse("analytic_categories:create"),
        {"name": "Flota", "parent": by_name(quipu, "Departamentos").id},
    )

    page = portal.get(connection_reverse("invoices:create")).content.decode()

    offered = page.split('name="analytic_categories"')[1].split("</select>")[0]
    assert f'value="{by_name(quipu, "Flota").id}"' in offered
