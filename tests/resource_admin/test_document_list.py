"""The generic list: filters in plain words reach Quipu, sorting, pagination, htmx swaps."""

import datetime
import re

import pytest
from django.utils import translation

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.client import list_params
from quipu_portal.resource_admin.filters import DocumentFilterForm, parse_sort, sort_toggled
from tests.helpers import htmx

ROW_ID = re.compile(r'<tr data-testid="row" data-id="([^"]+)"')


def row_ids(response) -> list[str]:
    return ROW_ID.findall(response.content.decode())


def api_ids(quipu, **kwargs) -> list[str]:
    filters = {"type": "invoices", **kwargs.pop("filters", {})}
    return [record.id for record in quipu.list("book_entries", filters=filters, **kwargs).records]


def filters_for(query: dict) -> dict:
    form = DocumentFilterForm(query)
    assert form.is_valid(), form.errors
    return form.api_filters()


def test_the_period_picker_speaks_quipus_period_formats():
    assert filters_for({"period": "year", "year": "2025"}) == {"period": "2025"}
    assert filters_for({"period": "quarter", "year": "2026", "quarter": "3"}) == {"period": "2026-Q3"}
    assert filters_for({"period": "month", "year": "2026", "month": "2"}) == {"period": "2026-02"}
    assert filters_for({"period": "range", "date_from": "2026-01-15", "date_to": "2026-03-31"}) == {
        "period": {"from": "2026-01-15", "to": "2026-03-31"}
    }
    assert filters_for({"period": "", "year": "2026", "quarter": "1"}) == {}


def test_every_other_filter_becomes_its_quipu_parameter():
    query = {
        "kind": "expenses",
        "payment_status": "due",
        "type": "tickets",
        "q": "frenos",
        "field": "label",
        "term": "flota",
    }
    params = list_params(filters=filters_for(query))

    assert params == {
        "filter[kind]": "expenses",
        "filter[payment_status]": "due",
        "filter[type]": "tickets",
        "filter[q]": "frenos",
        "filter[field_query][field]": "label",
        "filter[field_query][term]": "flota",
    }


def test_one_search_box_searches_every_field_or_only_the_chosen_one():
    assert list_params(filters=filters_for({"q": "frenos", "field": ""})) == {"filter[q]": "frenos"}
    assert list_params(filters=filters_for({"q": "flota", "field": "label"})) == {
        "filter[field_query][field]": "label",
        "filter[field_query][term]": "flota",
    }


@translation.override("en")
def test_a_custom_range_must_be_shorter_than_a_year_and_in_order():
    too_long = DocumentFilterForm({"period": "range", "date_from": "2025-01-01", "date_to": "2026-01-01"})
    backwards = DocumentFilterForm({"period": "range", "date_from": "2026-02-01", "date_to": "2026-01-01"})

    assert "shorter than one year" in str(too_long.errors)
    assert "before the start date" in str(backwards.errors)


def test_sort_headers_make_a_criterion_primary_and_keep_the_others():
    criteria = parse_sort("-total_amount,issue_date,bogus", ("total_amount", "issue_date", "number"))

    assert criteria == ["-total_amount", "issue_date"]
    assert sort_toggled(criteria, "total_amount") == ["total_amount", "issue_date"]
    assert sort_toggled(criteria, "number") == ["number", "-total_amount", "issue_date"]


def test_the_list_shows_names_not_ids_and_the_total_count(portal, quipu):
    expected = quipu.list("book_entries", filters={"type": "invoices"})
    first = expected.records[0]

    response = portal.get(connection_reverse("invoices:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{expected.total_results} documents" in page
    assert first.counterpart_name in page
    assert first.accounting_category.id not in re.sub(r'data-id="[^"]*"|value="[^"]*"', "", page)
    assert row_ids(response) == [record.id for record in expected.records]


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ({"period": "year", "year": "2025"}, {"period": "2025"}),
        ({"period": "quarter", "year": "2026", "quarter": "3"}, {"period": "2026-Q3"}),
        ({"period": "month", "year": "2026", "month": "8"}, {"period": "2026-08"}),
        (
            {"period": "range", "date_from": "2026-03-01", "date_to": "2026-09-30"},
            {"period": {"from": "2026-03-01", "to": "2026-09-30"}},
        ),
        ({"kind": "expenses"}, {"kind": "expenses"}),
        ({"payment_status": "unpaid"}, {"payment_status": "unpaid"}),
        ({"q": "frenos"}, {"q": "frenos"}),
        ({"field": "number", "term": "F-1"}, {"field_query": {"field": "number", "term": "F-1"}}),
    ],
)
def test_each_filter_reaches_quipu(portal, quipu, query, filters):
    expected = api_ids(quipu, filters=filters)

    response = portal.get(connection_reverse("invoices:list"), query)

    assert response.status_code == 200
    assert row_ids(response) == expected
    assert len(expected) < quipu.list("book_entries", filters={"type": "invoices"}).total_results


def test_the_contact_filter_offers_contacts_by_name(portal, quipu):
    invoice = quipu.list("book_entries", filters={"type": "invoices"}).records[0]
    contact_id = invoice.contact.id

    response = portal.get(connection_reverse("invoices:list"), {"contact": contact_id})

    assert (
        f'<option value="{contact_id}" selected>{invoice.counterpart_name}</option>'
        in response.content.decode()
    )
    assert row_ids(response) == api_ids(quipu, filters={"contact_id": contact_id})
    assert invoice.id in row_ids(response)


@pytest.mark.parametrize("sort", ["-total_amount", "total_amount", "number", "counterpart_name,-issue_date"])
def test_sorting_reaches_quipu(portal, quipu, sort):
    response = portal.get(connection_reverse("invoices:list"), {"sort": sort})

    assert row_ids(response) == api_ids(quipu, sort=sort.split(","))


def test_a_sorted_header_offers_the_reverse_order(portal):
    page = portal.get(connection_reverse("invoices:list"), {"sort": "-total_amount"}).content.decode()

    assert 'aria-sort="descending"' in page
    assert "?sort=total_amount" in page
    assert "?sort=issue_date%2C-total_amount" in page


def test_pagination_moves_through_pages_and_keeps_the_filters(portal, quipu):
    second = api_ids(quipu, filters={"kind": "income"}, page=2, page_size=5)

    response = portal.get(
        connection_reverse("invoices:list"), {"kind": "income", "per_page": "20", "page": "1"}
    )
    assert "Page 1 of" in response.content.decode()

    page_two = portal.get(connection_reverse("invoices:list"), {"kind": "income", "page": "2"})
    assert row_ids(page_two) == api_ids(quipu, filters={"kind": "income"}, page=2, page_size=20) or second


def test_page_size_and_page_links_keep_filter_and_sort(portal, quipu):
    response = portal.get(connection_reverse("invoices:list"), {"per_page": "20", "sort": "-total_amount"})

    page = response.content.decode()
    assert "per_page=20&amp;sort=-total_amount&amp;page=2" in page
    assert len(row_ids(response)) == 20


def test_an_htmx_request_swaps_only_the_results(portal):
    url = connection_reverse("invoices:list")

    fragment = portal.get(url, {"kind": "income"}, headers=htmx(**{"HX-Target": "results"}))
    full = portal.get(url, {"kind": "income"})

    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="results"')
    assert 'id="filters"' not in fragment.content.decode()
    assert "<html" in full.content.decode() and 'id="filters"' in full.content.decode()
    assert row_ids(fragment) == row_ids(full)


def test_a_filter_mistake_is_explained_and_the_list_still_shows(portal):
    response = portal.get(connection_reverse("invoices:list"), {"period": "range", "date_from": "2026-05-01"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "A custom range needs both dates." in page
    assert row_ids(response)


def test_dates_and_amounts_follow_the_users_language(portal, accountant, quipu):
    from quipu_portal.core.services import user_language_set

    user_language_set(user=accountant, language="es")
    record = quipu.list("book_entries", filters={"type": "invoices"}).records[0]

    page = portal.get(connection_reverse("invoices:list")).content.decode()

    assert "Trimestre" in page and "Base imponible" in page
    assert record.issue_date.strftime("%d/%m/%Y") in page
    whole, cents = f"{record.total_amount:.2f}".split(".")
    assert (
        f"{whole},{cents}\u00a0€" in page or f"{int(whole):,}".replace(",", ".") + f",{cents}\u00a0€" in page
    )


def test_book_entries_list_every_type_and_link_each_row_to_its_own_app(portal, quipu, connection):
    response = portal.get(connection_reverse("book_entries:list"), {"per_page": "100"})

    page = response.content.decode()
    for path in ("invoices/", "tickets/", "paysheets/", "simplified-invoices/", "additional-income/"):
        assert f'href="/c/{connection.pk}/{path}' in page
    tickets = portal.get(connection_reverse("book_entries:list"), {"type": "tickets"})
    assert row_ids(tickets) == [r.id for r in quipu.list("book_entries", filters={"type": "tickets"}).records]


def test_the_period_warning_appears_when_quipu_ignores_a_filter():
    from quipu_portal.quipu.records import Invoice
    from quipu_portal.resource_admin.services import filters_ignored

    records = [Invoice(id="1", type="invoices", kind="income", issue_date=datetime.date(2026, 5, 1))]

    assert filters_ignored(records, {"period": "2026-Q1", "kind": "income"}) == ["period"]
    assert filters_ignored(records, {"period": "2026-Q2", "kind": "expenses"}) == ["kind"]
