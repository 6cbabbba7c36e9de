"""Numbering series against the sandbox: filters, create, edit, delete and Quipu's refusals."""

import re

import pytest

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.numbering_series.resource import NumberingSeriesAdmin
from quipu_portal.quipu.records import NumberingSeries, RecordInput
from tests.helpers import form_data, htmx
from tests.reference_pages import field_errors, row_ids


def api_ids(quipu, **filters) -> list[str]:
    return [s.id for s in quipu.list("numbering_series", filters=filters).records]


def series_in_use(quipu):
    return next(s for s in quipu.iterate("numbering_series") if s.deletable is False)


def test_the_list_shows_every_series_with_its_use(portal, quipu):
    response = portal.get(connection_reverse("numbering_series:list"))

    assert row_ids(response) == api_ids(quipu)
    page = response.content.decode()
    used = series_in_use(quipu)
    assert connection_reverse("numbering_series:edit", args=[used.id]) in page
    assert "In use" in page and "Simplified invoices" in page


@pytest.mark.parametrize(
    "query, filters",
    [
        ({"prefix": "t"}, {"prefix": "t"}),
        ({"applicable_to": "invoices"}, {"applicable_to": "invoices"}),
        ({"applicable_to": "simplified_invoices"}, {"applicable_to": "simplified_invoices"}),
        ({"amending": "true"}, {"amending": True}),
        (
            {"amending": "false", "applicable_to": "invoices"},
            {"amending": False, "applicable_to": "invoices"},
        ),
    ],
)
def test_each_filter_reaches_quipu(portal, quipu, query, filters):
    expected = api_ids(quipu, **filters)
    assert expected
    assert row_ids(portal.get(connection_reverse("numbering_series:list"), query)) == expected


def test_create_a_series_for_next_year_and_make_it_the_default(portal, quipu):
    response = portal.post(
        connection_reverse("numbering_series:create"),
        {"prefix": "F2027-", "applicable_to": "invoices", "applies_to": "new_documents", "default": "on"},
    )

    assert response.status_code == 302 and response["Location"] == connection_reverse("numbering_series:list")
    saved = next(s for s in quipu.iterate("numbering_series") if s.prefix == "F2027-")
    assert (saved.applicable_to, saved.default, saved.amending) == ("invoices", True, False)
    assert saved.applies_to == "new_documents"
    listed = portal.get(response["Location"]).content.decode()
    assert "F2027- created." in listed


def test_edit_cannot_change_the_prefix_but_changes_the_rest(portal, quipu):
    series = quipu.create(
        "numbering_series", RecordInput(attributes={"prefix": "EXP", "applicable_to": "invoices"})
    )
    url = connection_reverse("numbering_series:edit", args=[series.id])
    form = portal.get(url)
    assert re.search(r'<input[^>]*name="prefix"[^>]*disabled', form.content.decode())
    data = form_data(form, "reference-form")
    data["amending"] = "on"
    data["prefix"] = "SOMETHING-ELSE"  # a disabled field: ignored, as in a browser

    response = portal.post(url, data)

    assert response.status_code == 302
    saved = quipu.retrieve("numbering_series", series.id)
    assert (saved.prefix, saved.amending) == ("EXP", True)


def test_a_taken_prefix_is_shown_on_the_prefix_field(portal, quipu):
    taken = next(iter(quipu.iterate("numbering_series"))).prefix

    response = portal.post(
        connection_reverse("numbering_series:create"),
        {"prefix": taken, "applicable_to": "tickets"},
        headers=htmx(),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "has already been taken" in field_errors(response, "prefix")
    assert field_errors(response, "applicable_to") == ""
    assert '<option value="tickets" selected>' in page


def test_delete_an_unused_series(portal, quipu):
    series = quipu.create(
        "numbering_series", RecordInput(attributes={"prefix": "OLD", "applicable_to": "invoices"})
    )

    response = portal.post(connection_reverse("numbering_series:delete", args=[series.id]))

    assert response.status_code == 302
    assert "OLD" not in [s.prefix for s in quipu.iterate("numbering_series")]


def test_deleting_a_series_in_use_explains_why_quipu_refuses(portal, quipu):
    used = series_in_use(quipu)

    response = portal.post(connection_reverse("numbering_series:delete", args=[used.id]))

    page = response.content.decode()
    assert 'data-testid="delete-refused"' in page
    assert "create a new series and make it the default" in page
    assert used.id in api_ids(quipu)


def test_a_new_series_is_offered_at_once_in_the_invoice_form(portal, quipu):
    portal.get(connection_reverse("invoices:create"))  # fills the reference-data cache
    portal.post(
        connection_reverse("numbering_series:create"), {"prefix": "NEW-27", "applicable_to": "invoices"}
    )

    page = portal.get(connection_reverse("invoices:create", query={"kind": "income"})).content.decode()

    assert ">NEW-27</option>" in page


def test_the_series_picker_searches_the_cached_series(portal, quipu):
    response = portal.get(
        connection_reverse("numbering_series:picker"), {"field": "numeration", "picker_q": "r"}
    )

    labels = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', response.content.decode())
    assert sorted(labels) == sorted(
        s.prefix for s in quipu.iterate("numbering_series") if "r" in s.prefix.lower()
    )


def test_a_series_for_documents_already_in_quipu_round_trips_and_can_be_filtered(portal, quipu):
    created = portal.post(
        connection_reverse("numbering_series:create"),
        {"prefix": "H2019-", "applicable_to": "invoices", "applies_to": "existing_documents"},
    )
    assert created.status_code == 302
    saved = next(s for s in quipu.iterate("numbering_series") if s.prefix == "H2019-")
    assert saved.applies_to == "existing_documents"

    only_existing = portal.get(
        connection_reverse("numbering_series:list"), {"applies_to": "existing_documents"}
    )
    assert row_ids(only_existing) == api_ids(quipu, applies_to="existing_documents") == [saved.id]
    assert "Documents already in Quipu" in only_existing.content.decode()
    assert saved.id not in row_ids(
        portal.get(connection_reverse("numbering_series:list"), {"applies_to": "new_documents"})
    )

    url = connection_reverse("numbering_series:edit", args=[saved.id])
    data = form_data(portal.get(url), "reference-form")
    assert data["applies_to"] == "existing_documents"
    data["applies_to"] = "new_documents"
    assert portal.post(url, data).status_code == 302
    assert quipu.retrieve("numbering_series", saved.id).applies_to == "new_documents"


def test_a_wrong_applies_to_is_refused_on_its_field(portal):
    response = portal.post(
        connection_reverse("numbering_series:create"),
        {"prefix": "X-", "applicable_to": "invoices", "applies_to": "old_documents"},
        headers=htmx(),
    )

    assert "Select a valid choice" in field_errors(response, "applies_to")


def test_a_series_quipu_marks_not_valid_shows_a_badge():
    column = next(c for c in NumberingSeriesAdmin.columns if c.name == "is_valid")

    assert "Not valid" in column.render(NumberingSeries(id="1", is_valid=False), names=None)
    assert column.render(NumberingSeries(id="2", is_valid=True), names=None) == ""
    assert column.render(NumberingSeries(id="3"), names=None) == ""
