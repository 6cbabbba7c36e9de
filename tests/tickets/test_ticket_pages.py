"""Tickets are deprecated by Quipu: still browsable and editable, with a notice on every page."""

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import first_document, form_data, items_of

NOTICE = "Quipu has deprecated tickets"


def test_every_ticket_page_points_to_simplified_invoices_and_additional_income(portal, quipu):
    record = first_document(quipu, "tickets", resource="tickets", with_items=1)

    for url in (
        connection_reverse("tickets:list"),
        connection_reverse("tickets:detail", args=[record.id]),
        connection_reverse("tickets:edit", args=[record.id]),
    ):
        page = portal.get(url).content.decode()
        assert NOTICE in page
        assert "simplified invoices" in page and "additional income" in page


def test_editing_a_ticket_keeps_its_lines_and_sends_no_line_categories(portal, quipu):
    record = first_document(quipu, "tickets", resource="tickets", kind="expenses", with_items=1)
    url = connection_reverse("tickets:edit", args=[record.id])
    page = portal.get(url)
    assert "items-0-accounting_category" not in page.content.decode()
    data = form_data(page)
    data["issuing_name"] = "Bar Paco"

    assert portal.post(url, data).status_code == 302

    after = quipu.retrieve("tickets", record.id, include=["items"])
    assert after.issuing_name == "Bar Paco"
    assert items_of(after) == items_of(record)


def test_a_422_lands_on_its_field(portal, quipu):
    record = first_document(quipu, "tickets", resource="tickets", kind="expenses", with_items=1)
    url = connection_reverse("tickets:edit", args=[record.id])
    data = form_data(portal.get(url))
    data["kind"] = "income"
    data["recipient_name"] = "Alguien"

    page = portal.post(url, data).content.decode()

    assert "can not be changed" in page[page.index('id="id_kind"') :][:1200]


def test_delete_a_ticket(portal, quipu):
    record = first_document(quipu, "tickets", resource="tickets")

    portal.post(connection_reverse("tickets:delete", args=[record.id]))

    assert portal.get(connection_reverse("tickets:detail", args=[record.id])).status_code == 404
