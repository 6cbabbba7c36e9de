"""Paysheets: no lines, Quipu sets kind, gross pay and category; the rest is editable."""

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import created_id, first_document, form_data


def test_create_a_paysheet_for_an_employee(portal, quipu):
    contact = next(iter(quipu.iterate("contacts")))
    url = connection_reverse("paysheets:create")
    page = portal.get(url)
    assert "items-TOTAL_FORMS" not in page.content.decode()
    data = form_data(page)
    data.update({"contact": contact.id, "issue_date": "2026-10-31", "net_pay": "1.185,76"})
    data.update(
        {"employee_ss_amount": "88,80", "employee_retention": "112,94", "company_ss_amount": "450,25"}
    )

    record = quipu.retrieve("paysheets", created_id(portal.post(url, data)))

    assert record.kind == "expenses"
    assert str(record.net_pay) in ("1185.76", "1185.760")
    assert record.gross_pay is not None


def test_edit_shows_what_quipu_calculates_and_never_sends_it(portal, quipu):
    record = first_document(quipu, "paysheets", resource="paysheets")
    url = connection_reverse("paysheets:edit", args=[record.id])
    page = portal.get(url)
    assert 'name="gross_pay"' not in page.content.decode() and 'name="kind"' not in page.content.decode()
    assert "Gross pay" in page.content.decode()
    data = form_data(page)
    data["company_ss_amount"] = "500"

    assert portal.post(url, data).status_code == 302

    after = quipu.retrieve("paysheets", record.id)
    assert after.company_ss_amount == 500
    assert after.net_pay == record.net_pay and after.contact == record.contact


def test_a_duplicate_number_is_shown_next_to_the_number(portal, quipu):
    paysheets = list(quipu.iterate("book_entries", filters={"type": "paysheets"}))
    first, second = next(
        (a, b)
        for a in paysheets
        for b in paysheets
        if a.id != b.id and a.issue_date.year == b.issue_date.year
    )
    url = connection_reverse("paysheets:edit", args=[second.id])
    data = form_data(portal.get(url))
    data["number"] = first.number

    page = portal.post(url, data).content.decode()

    assert "has already been taken" in page[page.index('id="id_number"') :][:1200]


def test_delete_a_paysheet(portal, quipu):
    record = first_document(quipu, "paysheets", resource="paysheets")

    portal.post(connection_reverse("paysheets:delete", args=[record.id]))

    assert portal.get(connection_reverse("paysheets:detail", args=[record.id])).status_code == 404
