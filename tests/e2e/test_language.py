"""A Spanish accountant sees Spanish words and formats; switching to English changes both."""

import re

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from quipu_portal.core import display
from quipu_portal.core.services import user_language_set


@pytest.fixture
def spanish_accountant(user):
    user_language_set(user=user, language="es")
    return user


@pytest.fixture
def page_in_spanish(spanish_accountant, connection, signed_in_page):
    return signed_in_page


@pytest.fixture
def accountant(spanish_accountant):
    return spanish_accountant


def the_largest_invoice(quipu):
    return quipu.list("book_entries", filters={"type": "invoices"}, sort=["-total_amount"]).records[0]


def test_spanish_layout_list_and_form_then_english(page_in_spanish, live_server, quipu, connection):
    page = page_in_spanish
    invoice = the_largest_invoice(quipu)
    with translation.override("es"):
        spanish_total = display.money(invoice.total_amount)
        spanish_date = formats.date_format(invoice.issue_date)
    with translation.override("en"):
        english_total = display.money(invoice.total_amount)
        english_date = formats.date_format(invoice.issue_date)
    assert re.fullmatch(r"-?[\d.]+,\d\d\u00a0€", spanish_total)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", spanish_date)

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/?sort=-total_amount")
    navigation = page.get_by_role("navigation", name="Navegación principal")
    expect(navigation.get_by_role("link", name="Facturas", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    first_row = page.get_by_test_id("row").first
    expect(first_row).to_contain_text(spanish_total)
    expect(first_row).to_contain_text(spanish_date)

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/{invoice.id}/edit/")
    expect(page.get_by_role("button", name=re.compile("Guardar"))).to_be_visible()
    expect(page.get_by_label("Notas")).to_be_visible()

    page.get_by_label("Idioma").select_option("en")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save"))).to_be_visible()
    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/?sort=-total_amount")
    first_row = page.get_by_test_id("row").first
    expect(first_row).to_contain_text(english_total)
    expect(first_row).to_contain_text(english_date)
