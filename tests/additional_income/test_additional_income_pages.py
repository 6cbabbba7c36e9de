"""Additional income: create, edit keeping lines, a line's 422 on that line, delete, no PDF button."""

import re

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import created_id, first_document, form_data, items_of


def test_create_additional_income_with_a_line(portal, quipu):
    url = connection_reverse("additional_income:create")
    data = form_data(portal.get(url))
    data.update({"recipient_name": "Ayuntamiento de Zaragoza", "issue_date": "2026-10-10"})
    data.update(
        {"items-0-concept": "Subvención", "items-0-unitary_amount": "1500", "items-0-vat_percent": "0"}
    )

    record = quipu.retrieve("additional_incomes", created_id(portal.post(url, data)), include=["items"])

    assert record.kind == "income"
    assert [(item.concept, item.unitary_amount) for item in record.items] == [("Subvención", 1500)]


def test_edit_keeps_every_line_it_did_not_touch(portal, quipu):
    record = first_document(quipu, "additional_income", resource="additional_incomes", with_items=1)
    url = connection_reverse("additional_income:edit", args=[record.id])
    data = form_data(portal.get(url))
    data["notes"] = "Conciliado"

    assert portal.post(url, data).status_code == 302

    after = quipu.retrieve("additional_incomes", record.id, include=["items"])
    assert after.notes == "Conciliado"
    assert items_of(after) == items_of(record)


def test_a_line_quipu_refuses_shows_its_message_on_that_line(portal, quipu):
    record = first_document(quipu, "additional_income", resource="additional_incomes", with_items=1)
    url = connection_reverse("additional_income:edit", args=[record.id])
    data = form_data(portal.get(url))
    data["items-0-kind"] = "assets"  # income lines can only be current or reimbursements

    page = portal.post(url, data).content.decode()

    assert re.findall(r'<tr data-item-row class="([^"]*)"', page)[0] == "row-invalid"
    assert items_of(quipu.retrieve("additional_incomes", record.id, include=["items"])) == items_of(record)


def test_detail_offers_no_pdf_and_delete_works(portal, quipu):
    record = first_document(quipu, "additional_income", resource="additional_incomes")
    detail = portal.get(connection_reverse("additional_income:detail", args=[record.id])).content.decode()
    assert "Download PDF" not in detail

    portal.post(connection_reverse("additional_income:delete", args=[record.id]))

    assert portal.get(connection_reverse("additional_income:detail", args=[record.id])).status_code == 404
