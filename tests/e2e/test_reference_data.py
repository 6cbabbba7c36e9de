"""Reference data in the browser: a new client, a new subcategory, next year's numbering series, each
picked on a document through the search-as-you-type pickers."""

import re

from playwright.sync_api import expect


def test_create_a_contact_and_an_invoice_for_it(page_on_account, live_server, quipu, connection):
    page = page_on_account
    page.goto(f"{live_server.url}/c/{connection.pk}/contacts/")
    page.get_by_role("link", name="New contact").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Autocares Txindoki S.L.")
    page.get_by_label("Tax ID", exact=True).fill("B50998877")
    page.get_by_label("Identity document").select_option("NIF")
    page.get_by_label("Postcode").fill("50500")
    page.get_by_label("Country", exact=True).fill("es")
    page.get_by_label("Bank account (IBAN)").fill("not an iban")
    page.get_by_role("button", name="Save").click()

    # Quipu's 422 lands on the IBAN field; everything typed is still there.
    expect(page.locator("div#id_bank_account_number_error")).to_contain_text("Iban is not valid")
    expect(page.get_by_label("Tax ID", exact=True)).to_have_value("B50998877")
    page.get_by_label("Bank account (IBAN)").fill("ES91 2100 0418 4502 0005 1332")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="created")).to_be_visible()
    expect(page.get_by_test_id("record-title")).to_have_text("Autocares Txindoki S.L.")
    contact = next(c for c in quipu.iterate("contacts", filters={"q": "Txindoki"}))

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/new/?kind=income")
    page.get_by_label("Search by name, tax ID or email").fill("txindoki")
    contact_select = page.get_by_role("combobox", name="Contact")
    expect(contact_select.locator("option")).to_have_count(2)  # the blank choice and the match
    contact_select.select_option(contact.id)
    page.get_by_label("Concept, line 1").fill("Revisión de flota")
    page.get_by_label("Unit price, line 1").fill("350")
    page.get_by_label("VAT %, line 1").fill("21")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="created")).to_be_visible()
    expect(page.get_by_role("link", name="Autocares Txindoki S.L.")).to_be_visible()
    page.get_by_role("link", name="Autocares Txindoki S.L.").click()
    expect(page.get_by_test_id("related-row")).to_have_count(1)
    expect(page.get_by_test_id("contact-totals")).to_contain_text("423.50")


def test_give_a_contact_a_default_income_category(page_on_account, live_server, quipu, connection):
    page = page_on_account
    services = next(iter(quipu.iterate("accounting_categories", filters={"prefix": "705"})))
    contact = next(c for c in quipu.iterate("contacts") if c.income_category is None)
    page.goto(f"{live_server.url}/c/{connection.pk}/contacts/{contact.id}/edit/")

    defaults = page.get_by_role("group", name="Defaults for new income documents")
    expect(defaults).to_be_visible()
    defaults.locator("#id_income_category_search").fill("705")
    category_select = page.get_by_role("combobox", name="Income category", exact=True)
    expect(category_select.locator("option")).to_have_count(2)  # the blank choice and the match
    category_select.select_option(services.id)
    page.get_by_role("combobox", name="Payment method of income").select_option("bank_transfer")
    page.get_by_label("Language of PDFs").fill("xx-invalid!")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("div#id_pdf_language_error")).to_contain_text("is not a language code")
    expect(category_select).to_have_value(services.id)
    page.get_by_label("Language of PDFs").fill("ca")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    expect(page.locator('dd[data-field="income_category"]')).to_have_text("705 · Prestaciones de servicios")
    expect(page.locator('dd[data-field="incomes_payment_method"]')).to_have_text("Bank transfer")
    saved = quipu.retrieve("contacts", contact.id)
    assert (saved.income_category.id, saved.pdf_language) == (services.id, "ca")


def test_add_a_subcategory_and_assign_it_to_a_document(page_on_account, live_server, quipu, connection):
    page = page_on_account
    supplies = next(iter(quipu.iterate("accounting_categories", filters={"prefix": "600"})))
    expense = next(iter(quipu.iterate("book_entries", filters={"type": "invoices", "kind": "expenses"})))

    page.goto(f"{live_server.url}/c/{connection.pk}/accounting-categories/?prefix=600")
    page.get_by_role("link", name=supplies.name).click()
    page.get_by_role("link", name="Add a subcategory").click()
    expect(page.get_by_role("combobox", name="Accounting category")).to_have_value(supplies.id)
    page.get_by_role("textbox", name="Suffix").fill("21")
    page.get_by_role("textbox", name="Name", exact=True).fill("Lubricantes y grasas")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Lubricantes y grasas created")).to_be_visible()
    expect(page.get_by_test_id("row").filter(has_text="Lubricantes y grasas")).to_contain_text("60000021")
    subcategory = next(
        s for s in quipu.iterate("accounting_subcategories") if s.name == "Lubricantes y grasas"
    )

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/{expense.id}/edit/")
    page.locator("#id_accounting_category_search").fill("600")
    page.get_by_role("combobox", name="Accounting category").select_option(supplies.id)
    page.wait_for_load_state("networkidle")  # the category's subcategories have replaced the options
    subcategories = page.locator("#id_accounting_subcategory")
    expect(subcategories.locator(f'option[value="{subcategory.id}"]')).to_have_count(1)
    page.locator("#id_accounting_subcategory_search").fill("lubri")
    expect(subcategories.locator("option")).to_have_count(2)
    subcategories.select_option(subcategory.id)
    expect(subcategories).to_have_value(subcategory.id)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    # A supplier may be called "Lubricantes …" too: look for the subcategory's whole name.
    expect(page.locator("dd").filter(has_text="Lubricantes y grasas")).to_be_visible()
    saved = quipu.retrieve("invoices", expense.id)
    assert (saved.accounting_category.id, saved.accounting_subcategory.id) == (supplies.id, subcategory.id)


def test_create_a_numbering_series_and_find_it_on_a_new_income_invoice(
    page_on_account, live_server, quipu, connection
):
    page = page_on_account
    page.goto(
        f"{live_server.url}/c/{connection.pk}/invoices/new/?kind=income"
    )  # the series are cached from here on
    page.goto(f"{live_server.url}/c/{connection.pk}/numbering-series/")
    page.get_by_role("link", name="New numbering series").click()
    page.get_by_role("textbox", name="Prefix").fill("F2027-")
    page.get_by_role("combobox", name="Used for").select_option("invoices")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="F2027- created")).to_be_visible()
    expect(page.get_by_test_id("row").filter(has_text="F2027-")).to_be_visible()

    page.goto(f"{live_server.url}/c/{connection.pk}/invoices/new/?kind=income")
    page.get_by_label("Search by prefix").fill("2027")
    series = page.get_by_role("combobox", name="Numbering series")
    expect(series.locator("option", has_text="F2027-")).to_have_count(1)
    expect(series.locator("option")).to_have_count(2)
    series.select_option(label="F2027-")
    expect(series).to_have_value(re.compile(r"\d+"))
