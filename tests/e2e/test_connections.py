import re

import pytest
from playwright.sync_api import expect

from quipu_portal.core.services import user_language_set


@pytest.fixture
def english_page(signed_in_page, user, settings):
    settings.QUIPU_RATE_LIMIT = "1000/5s"
    user_language_set(user=user, language="en")
    return signed_in_page


def add_connection(page, *, name, base_url, app_id, app_secret):
    page.get_by_role("link", name="Add a connection").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("API address").fill(base_url)
    page.get_by_label("App ID").fill(app_id)
    page.get_by_label("App secret").fill(app_secret)
    page.get_by_role("button", name="Add connection").click()
    expect(page.get_by_role("status").filter(has_text=f"Connection “{name}” added.")).to_be_visible()


def row(page, name):
    return page.get_by_test_id("connection-row").filter(
        has=page.get_by_role("rowheader", name=re.compile(name))
    )


def test_an_accountant_adds_tests_switches_and_deletes_connections(english_page, live_server, sandbox):
    page = english_page
    account = sandbox.create_account("Panadería Sol S.L.", seed="small")
    switcher = page.get_by_label("Working on")

    page.goto(f"{live_server.url}/connections/")
    expect(page.get_by_test_id("no-connections")).to_be_visible()
    expect(
        page.get_by_test_id("connection-switcher").get_by_role("link", name="Add a Quipu connection")
    ).to_be_visible()

    add_connection(
        page,
        name="Panadería Sol S.L.",
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )
    bakery = row(page, "Panadería Sol S.L.")
    expect(bakery.get_by_test_id("active-badge")).to_be_visible()
    expect(switcher).to_have_value(re.compile(r"\d+"))
    bakery.get_by_role("button", name="Test").click()
    expect(bakery.get_by_test_id("connection-status")).to_contain_text(
        "Connected: Quipu answered and the credentials work."
    )

    add_connection(
        page,
        name="Taller Luna S.L.",
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret="a-secret-with-a-typo",
    )
    workshop = row(page, "Taller Luna S.L.")
    workshop.get_by_role("button", name="Test").click()
    expect(workshop.get_by_test_id("connection-status")).to_contain_text(
        "Quipu refused these credentials. Check the app ID and app secret in Quipu's settings."
    )
    expect(workshop.get_by_test_id("connection-status")).to_contain_text("Wrong credentials")
    expect(page.get_by_text("a-secret-with-a-typo")).to_have_count(0)

    # The first connection stayed active; switch to the second from the sidebar, then back.
    expect(switcher.locator("option:checked")).to_have_text("Panadería Sol S.L.")
    switcher.select_option(label="Taller Luna S.L.")
    expect(page.get_by_role("status").filter(has_text="Now working on “Taller Luna S.L.”.")).to_be_visible()
    expect(switcher.locator("option:checked")).to_have_text("Taller Luna S.L.")
    expect(workshop.get_by_test_id("active-badge")).to_be_visible()
    expect(bakery.get_by_test_id("active-badge")).to_have_count(0)
    bakery.get_by_role("button", name="Use this one").click()
    expect(switcher.locator("option:checked")).to_have_text("Panadería Sol S.L.")

    workshop.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete the connection “Taller Luna S.L.”?")).to_be_visible()
    page.get_by_role("button", name="Delete “Taller Luna S.L.”").click()
    expect(
        page.get_by_role("status").filter(has_text="Connection “Taller Luna S.L.” deleted.")
    ).to_be_visible()
    expect(page.get_by_test_id("connection-row")).to_have_count(1)
    expect(switcher.locator("option")).to_have_text(["Panadería Sol S.L."])
