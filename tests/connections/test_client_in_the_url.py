"""The client (Quipu connection) is in every URL of its pages: two tabs on two clients never mix.

The session only remembers the last client used, to send old bookmarks and the home page somewhere.
"""

import pytest
from django.urls import reverse

from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import ACTIVE_CONNECTION_SESSION_KEY, connection_create
from quipu_portal.jobs.models import Job, JobStatus
from tests.helpers import form_data, htmx


@pytest.fixture
def second_connection(accountant, sandbox):
    """The accountant's second client, another company with its own documents."""
    account = sandbox.create_account("Segundo Cliente S.L.", seed="small")
    return connection_create(
        owner=accountant,
        name=account["name"],
        base_url=sandbox.base_url,
        app_id=account["app_id"],
        app_secret=account["app_secret"],
    )


def _an_invoice(quipu):
    return next(iter(quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"})))


# Old URLs -----------------------------------------------------------------------------------------------


def test_an_old_bookmark_opens_the_same_page_of_the_last_client_used(portal, connection, second_connection):
    assert portal.get(connection_reverse("contacts:list", connection=connection)).status_code == 200

    response = portal.get("/invoices/", {"kind": "income", "year": "2026"})

    assert response.status_code == 302  # temporary: where it goes depends on the last client used
    assert response["Location"] == f"/c/{connection.pk}/invoices/?kind=income&year=2026"

    assert portal.get(connection_reverse("contacts:list", connection=second_connection)).status_code == 200
    assert portal.get("/invoices/")["Location"] == f"/c/{second_connection.pk}/invoices/"
    assert portal.get("/jobs/")["Location"] == f"/c/{second_connection.pk}/jobs/"


def test_a_form_posted_to_an_old_url_writes_nothing(portal, connection, quipu):
    invoice = _an_invoice(quipu)
    edit_url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(edit_url))
    data["notes"] = "Nunca guardado"
    contacts_before = len(list(quipu.iterate("contacts")))

    refused = portal.post(f"/invoices/{invoice.id}/edit/", data)
    refused_htmx = portal.post(f"/invoices/{invoice.id}/edit/", data, headers=htmx())
    refused_contact = portal.post("/contacts/new/", {"name": "Nunca creado S.L.", "kind": "client"})

    assert refused.status_code == 303 and refused["Location"] == "/"
    assert refused_htmx["HX-Redirect"] == "/"
    assert refused_contact.status_code == 303
    assert quipu.retrieve("invoices", invoice.id).notes != "Nunca guardado"
    assert len(list(quipu.iterate("contacts"))) == contacts_before
    assert "Nothing was saved" in portal.get("/").content.decode()


# Whose client ----------------------------------------------------------------------------------------------


def test_another_users_connection_id_in_a_resource_url_is_a_404_and_writes_nothing(
    client, accountant, connection, quipu, other_user
):
    invoice = _an_invoice(quipu)
    edit_url = connection_reverse("invoices:edit", args=[invoice.id])
    client.force_login(accountant)
    data = form_data(client.get(edit_url))
    data["notes"] = "Escrito por otro"

    client.force_login(other_user)
    assert client.get(connection_reverse("invoices:list")).status_code == 404
    assert client.get(connection_reverse("invoices:detail", args=[invoice.id])).status_code == 404
    assert client.post(edit_url, data).status_code == 404
    assert client.post(edit_url, data, headers=htmx()).status_code == 404
    assert quipu.retrieve("invoices", invoice.id).notes != "Escrito por otro"


def test_a_save_goes_to_the_client_of_its_url_whatever_the_session_says(
    portal, connection, quipu, second_connection
):
    invoice = _an_invoice(quipu)
    edit_url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(edit_url))
    # Another tab switches to the second client before this tab's form is sent.
    portal.post(reverse("connections:activate"), {"connection": second_connection.pk, "next": "/"})
    assert portal.session[ACTIVE_CONNECTION_SESSION_KEY] == second_connection.pk
    data["notes"] = "Guardado en el primer cliente"

    response = portal.post(edit_url, data)

    assert response.status_code == 302
    assert response["Location"] == connection_reverse("invoices:detail", args=[invoice.id])
    assert quipu.retrieve("invoices", invoice.id).notes == "Guardado en el primer cliente"


def test_a_job_of_one_client_is_a_404_under_another_clients_url(
    portal, accountant, connection, second_connection
):
    job = Job.objects.create(
        owner=accountant,
        connection=connection,
        kind=BULK_CATEGORIES,
        status=JobStatus.RUNNING,
        title="Recategorizar gastos",
    )

    assert portal.get(connection_reverse("jobs:detail", args=[job.pk])).status_code == 200
    under_second = connection_reverse("jobs:detail", args=[job.pk], connection=second_connection)
    assert portal.get(under_second).status_code == 404
    cancel_under_second = connection_reverse("jobs:cancel", args=[job.pk], connection=second_connection)
    assert portal.post(cancel_under_second).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


# The switcher -------------------------------------------------------------------------------------------------


def _switch(portal, connection, next_url):
    return portal.post(reverse("connections:activate"), {"connection": connection.pk, "next": next_url})


def test_the_switcher_opens_the_same_kind_of_page_for_the_chosen_client(
    portal, accountant, connection, second_connection
):
    first, second = connection.pk, second_connection.pk

    assert _switch(portal, second_connection, f"/c/{first}/invoices/?kind=income&page=2")["Location"] == (
        f"/c/{second}/invoices/"
    )
    # A document of one client cannot exist for the other: its list opens instead.
    assert _switch(portal, second_connection, f"/c/{first}/invoices/123/edit/")["Location"] == (
        f"/c/{second}/invoices/"
    )
    assert _switch(portal, second_connection, f"/c/{first}/jobs/7/")["Location"] == f"/c/{second}/jobs/"
    assert _switch(portal, second_connection, f"/c/{first}/pdfs/bundles/7/")["Location"] == (
        f"/c/{second}/pdfs/bundles/"
    )
    # Pages of no client stay where they are (and show the chosen client).
    assert _switch(portal, connection, "/changes/?field=notes")["Location"] == "/changes/?field=notes"
    assert portal.session[ACTIVE_CONNECTION_SESSION_KEY] == first


def test_the_sidebar_and_the_switcher_name_the_client_of_the_page(portal, connection, second_connection):
    page = portal.get(connection_reverse("contacts:list", connection=second_connection)).content.decode()

    assert f'href="/c/{second_connection.pk}/invoices/"' in page
    assert f'href="/c/{connection.pk}/invoices/"' not in page
    assert f'<option value="{second_connection.pk}" selected>' in page


def test_every_link_on_the_home_page_names_its_client(portal, accountant, connection, second_connection):
    first_job, second_job = (
        Job.objects.create(
            owner=accountant,
            connection=client,
            kind=BULK_CATEGORIES,
            status=JobStatus.RUNNING,
            title=title,
        )
        for client, title in ((connection, "Primer cliente"), (second_connection, "Segundo cliente"))
    )
    portal.get(connection_reverse("contacts:list", connection=second_connection))  # the last client used

    page = portal.get("/").content.decode()

    assert f'href="/c/{connection.pk}/jobs/{first_job.pk}/"' in page
    assert f'href="/c/{second_connection.pk}/jobs/{second_job.pk}/"' in page
    # The quarters are the last client used's.
    assert f'href="/c/{second_connection.pk}/invoices/?period=quarter' in page
    assert f'href="/c/{connection.pk}/invoices/?' not in page
