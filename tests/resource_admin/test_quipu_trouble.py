"""When Quipu is slow, rate limited or down the page says so and what it does: never a 500 or a blank."""

import html

from django.urls import reverse

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import form_data, htmx


def test_rate_limited_list_says_it_is_waiting_and_retries_itself(portal, sandbox, quipu_account):
    sandbox.set_faults(app_id=quipu_account["app_id"], p429=1.0)
    try:
        page_response = portal.get(connection_reverse("invoices:list"))
        fragment = portal.get(
            connection_reverse("invoices:list"), {"kind": "income"}, headers=htmx(**{"HX-Target": "results"})
        )
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    page = html.unescape(page_response.content.decode())
    assert page_response.status_code == 503
    assert "Waiting for Quipu's rate limit: trying again in" in page
    assert "data-reload-after=" in page and page_response["Retry-After"]
    fragment_html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in fragment_html
    assert 'id="results"' in fragment_html and 'hx-trigger="load delay:' in fragment_html
    assert "kind=income" in fragment_html


def test_quipu_down_is_explained_with_a_retry(portal, sandbox, quipu_account):
    sandbox.set_faults(app_id=quipu_account["app_id"], p503=1.0)
    try:
        response = portal.get(connection_reverse("invoices:list"))
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response.status_code == 503
    assert "Quipu is not answering" in response.content.decode()
    assert "Try again now" in response.content.decode()


def test_a_save_during_an_outage_keeps_the_form_as_typed(portal, sandbox, quipu_account, quipu):
    invoice = quipu.list("book_entries", filters={"type": "invoices"}).records[0]
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "No lo pierdas"
    sandbox.set_faults(app_id=quipu_account["app_id"], p503=1.0)
    try:
        response = portal.post(url, data, headers=htmx(**{"HX-Target": "document-form"}))
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert "quipuProblem" in response["HX-Trigger"] and "Quipu is not answering" in response["HX-Trigger"]
    assert quipu.retrieve("invoices", invoice.id).notes != "No lo pierdas"


def test_without_a_connection_the_pages_send_you_to_add_one(client, accountant):
    client.force_login(accountant)

    response = client.get("/invoices/")

    assert response.status_code == 302 and response["Location"] == reverse("connections:list")


def test_another_users_document_urls_do_not_reach_their_account(client, other_user, connection, quipu):
    invoice = quipu.list("book_entries", filters={"type": "invoices"}).records[0]
    client.force_login(other_user)

    response = client.get(connection_reverse("invoices:detail", args=[invoice.id]))

    assert response.status_code == 404
