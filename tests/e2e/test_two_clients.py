"""Two tabs, two clients: each tab's save lands on the client in its own address, whatever the other did."""

import re

import pytest
from playwright.sync_api import expect

from quipu_portal.connections.services import client_for, connection_create


@pytest.fixture
def second_connection(accountant, sandbox):
    """The accountant's second client: another company of the sandbox, with its own documents."""
    account = sandbox.create_account("Segundo Cliente S.L.", seed="small")
    return connection_create(
        owner=accountant,
        name=account["name"],
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )


def _an_income_invoice(quipu):
    return next(iter(quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"})))


def test_two_tabs_on_two_clients_each_save_on_its_own_client(
    page_on_account, live_server, connection, second_connection, quipu
):
    second_quipu = client_for(second_connection)
    invoice_a = _an_income_invoice(quipu)
    invoice_b = _an_income_invoice(second_quipu)
    base = live_server.url

    # Tab A: the first client's invoice, being edited.
    tab_a = page_on_account
    tab_a.goto(f"{base}/c/{connection.pk}/invoices/{invoice_a.id}/edit/")
    tab_a.get_by_label("Notes").fill("Revisada: cliente A")

    # Tab B (same browser, same session): starts on the first client, switches to the second in the sidebar.
    tab_b = tab_a.context.new_page()
    tab_b.set_default_timeout(15_000)
    tab_b.goto(f"{base}/c/{connection.pk}/invoices/?kind=income")
    tab_b.get_by_label("Working on").select_option(label="Segundo Cliente S.L.")
    expect(tab_b).to_have_url(f"{base}/c/{second_connection.pk}/invoices/")
    expect(tab_b.get_by_text("Now working on “Segundo Cliente S.L.”.")).to_be_visible()
    tab_b.goto(f"{base}/c/{second_connection.pk}/invoices/{invoice_b.id}/edit/")
    tab_b.get_by_label("Notes").fill("Revisada: cliente B")
    tab_b.get_by_role("button", name="Save").click()
    expect(tab_b.get_by_role("status").filter(has_text="saved")).to_be_visible()
    expect(tab_b).to_have_url(re.compile(rf"/c/{second_connection.pk}/invoices/{invoice_b.id}/$"))

    # Tab A's form is sent after the switch: it still goes to the first client.
    tab_a.get_by_role("button", name="Save").click()
    expect(tab_a.get_by_role("status").filter(has_text="saved")).to_be_visible()
    expect(tab_a).to_have_url(re.compile(rf"/c/{connection.pk}/invoices/{invoice_a.id}/$"))

    # What each company holds in Quipu, read back from the sandbox's API.
    assert quipu.retrieve("invoices", invoice_a.id).notes == "Revisada: cliente A"
    assert second_quipu.retrieve("invoices", invoice_b.id).notes == "Revisada: cliente B"
    first_notes = {summary.notes for summary in quipu.iterate("book_entries", filters={"type": "invoices"})}
    second_notes = {
        summary.notes for summary in second_quipu.iterate("book_entries", filters={"type": "invoices"})
    }
    assert "Revisada: cliente B" not in first_notes
    assert "Revisada: cliente A" not in second_notes
