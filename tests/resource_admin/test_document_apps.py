"""Every document app gets the same list machinery: each filter and sort reaches Quipu for each type."""

import pytest

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import htmx

from .test_document_list import row_ids

# namespace -> the filter[type] its list sends to /book_entries
APPS = {
    "invoices": "invoices",
    "simplified_invoices": "simplified_invoices",
    "additional_income": "additional_income",
    "tickets": "tickets",
    "paysheets": "paysheets",
}
FILTERS = [
    ({"period": "year", "year": "2026"}, {"period": "2026"}),
    ({"period": "quarter", "year": "2026", "quarter": "2"}, {"period": "2026-Q2"}),
    ({"period": "month", "year": "2026", "month": "3"}, {"period": "2026-03"}),
    (
        {"period": "range", "date_from": "2025-10-01", "date_to": "2026-04-30"},
        {"period": {"from": "2025-10-01", "to": "2026-04-30"}},
    ),
    ({"kind": "income"}, {"kind": "income"}),
    ({"payment_status": "paid"}, {"payment_status": "paid"}),
    ({"q": "a"}, {"q": "a"}),
    ({"field": "contact", "term": "s.l."}, {"field_query": {"field": "contact", "term": "s.l."}}),
]
SORTS = ["number", "-issue_date", "counterpart_name", "-total_amount", "total_amount_without_taxes,-number"]


# Paysheets are always expenses: their list offers no kind filter.
FILTER_CASES = [
    (namespace, query, filters)
    for namespace in APPS
    for query, filters in FILTERS
    if not (namespace == "paysheets" and "kind" in filters)
]


@pytest.mark.parametrize(("namespace", "query", "filters"), FILTER_CASES)
def test_each_filter_reaches_quipu_for_every_document_type(portal, quipu, namespace, query, filters):
    expected = quipu.list("book_entries", filters={"type": APPS[namespace], **filters}, page_size=100)

    response = portal.get(connection_reverse(f"{namespace}:list"), {**query, "per_page": "100"})

    assert response.status_code == 200
    assert row_ids(response) == [record.id for record in expected.records]
    assert f"{expected.total_results} document" in response.content.decode()


@pytest.mark.parametrize("namespace", APPS)
@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_reaches_quipu_for_every_document_type(portal, quipu, namespace, sort):
    expected = quipu.list(
        "book_entries", filters={"type": APPS[namespace]}, sort=sort.split(","), page_size=100
    )

    response = portal.get(
        connection_reverse(f"{namespace}:list"), {"sort": sort, "per_page": "100"}, headers=htmx()
    )

    assert row_ids(response) == [record.id for record in expected.records]


@pytest.mark.parametrize("namespace", APPS)
def test_every_row_links_to_a_detail_page_that_shows_the_document(portal, quipu, namespace):
    record = quipu.list("book_entries", filters={"type": APPS[namespace]}).records[0]

    listing = portal.get(connection_reverse(f"{namespace}:list")).content.decode()
    url = connection_reverse(f"{namespace}:detail", args=[record.id])
    detail = portal.get(url)

    assert f'href="{url}"' in listing
    assert detail.status_code == 200
    assert (record.number or "") in detail.content.decode()
    assert (record.counterpart_name or "") in detail.content.decode()
