"""An accountant makes an export invoice's line exempt, with surcharge, and gives the codes Quipu asks for."""

import pytest
from playwright.sync_api import expect

from tests.helpers import exempt_invoice, foreign_customer_create


@pytest.fixture
def quipu_account(sandbox):
    return sandbox.create_account("Verifactu S.L.", seed="small", verifactu=True)


def test_a_line_made_exempt_then_the_codes_quipu_asks_for(page_on_account, live_server, quipu, connection):
    page = page_on_account
    invoice = exempt_invoice(
        quipu, foreign_customer_create(quipu), vat_percent=21, collection_type=None, exempt_reason=None
    )

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/{invoice.id}/edit/")
    page.get_by_label("VAT %, line 1").fill("0")
    page.get_by_role("button", name="Save").click()

    collection = page.get_by_label("Collection type")
    expect(collection).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Can not be blank").first).to_be_visible()
    expect(page.get_by_label("VAT %, line 1")).to_have_value("0")

    collection.select_option("R1")
    page.get_by_label("VAT exemption reason").select_option("R2")
    page.get_by_label("Equivalence surcharge, line 1").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    expect(page.locator("dd").filter(has_text="R2").first).to_be_visible()
    saved = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert (saved.collection_type, saved.exempt_reason) == ("R1", "R2")
    assert (saved.items[0].vat_percent, saved.items[0].equivalence_surcharge) == (0, True)
