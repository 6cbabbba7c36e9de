import re

import pytest
from playwright.sync_api import expect

# A Spanish accountant's browser: the login page follows its Accept-Language.
pytestmark = pytest.mark.browser_context_args(locale="es-ES")


def test_sign_in_shows_the_layout_and_sign_out_returns_to_login(page, live_server, user):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))

    page.get_by_label("Nombre de usuario").fill("ana")
    page.get_by_label("Contraseña").fill("a-long-test-password-1")
    page.get_by_role("button", name="Iniciar sesión").click()

    expect(page.get_by_role("heading", name="Panel", level=1)).to_be_visible()
    navigation = page.get_by_role("navigation", name="Navegación principal")
    expect(navigation).to_be_visible()
    expect(page.get_by_text("ana", exact=True)).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("button", name="Iniciar sesión")).to_be_visible()


def test_wrong_password_says_so_next_to_the_form(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nombre de usuario").fill("ana")
    page.get_by_label("Contraseña").fill("not-the-password")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("alert")).to_contain_text("no coinciden")
