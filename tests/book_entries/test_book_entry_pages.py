"""The combined list: every type, read only, each row opening its document in its own app."""

import pytest
from django.urls import NoReverseMatch

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import htmx


def test_the_combined_list_is_read_only(portal):
    page = portal.get(connection_reverse("book_entries:list")).content.decode()

    # Rows can still be ticked for the bulk jobs (categories, PDFs), but nothing is created or deleted here.
    assert "New income" not in page
    assert 'value="delete"' not in page
    for name in ("create", "edit", "delete", "detail", "bulk"):
        with pytest.raises(NoReverseMatch):
            connection_reverse(f"book_entries:{name}", args=[] if name in ("create", "bulk") else ["1"])


def test_the_type_filter_and_a_sort_reach_quipu(portal, quipu):
    expected = quipu.list(
        "book_entries", filters={"type": "paysheets", "kind": "expenses"}, sort=["-total_amount"]
    )

    response = portal.get(
        connection_reverse("book_entries:list"),
        {"type": "paysheets", "kind": "expenses", "sort": "-total_amount"},
        headers=htmx(),
    )

    page = response.content.decode()
    for record in expected.records:
        assert f'href="{connection_reverse("paysheets:detail", args=[record.id])}"' in page
    assert f"{expected.total_results} document" in page
    assert "Paysheet" in page
