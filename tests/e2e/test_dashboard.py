"""From the home page to last quarter's expense invoices in one click."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from quipu_portal.core.services import user_language_set
from quipu_portal.dashboard.services import quarter_start


def test_last_quarters_expense_invoices_are_one_click_away(page_on_account, live_server, accountant):
    user_language_set(user=accountant, language="es")
    last = quarter_start(timezone.localdate()) - datetime.timedelta(days=1)
    quarter = (last.month - 1) // 3 + 1
    page = page_on_account

    page.goto(f"{live_server.url}/")
    card = page.get_by_role("region", name=re.compile(rf"Trimestre anterior: {quarter}T {last.year}"))
    card.get_by_role("link", name="Facturas de gasto").click()

    expect(page).to_have_url(re.compile(rf"period=quarter&year={last.year}&quarter={quarter}&kind=expenses"))
    expect(page.locator("#id_period")).to_have_value("quarter")
    expect(page.locator("#id_kind")).to_have_value("expenses")
    expect(page.get_by_role("heading", level=1)).to_have_text("Facturas")
