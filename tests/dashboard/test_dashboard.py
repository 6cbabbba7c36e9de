"""The home page: this quarter's lists a click away, and the user's own work, without asking Quipu."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from quipu_portal.audit.models import AuditEntry
from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import connection_create
from quipu_portal.dashboard.services import quarter_links
from quipu_portal.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def links_of(quarter) -> dict[str, dict]:
    return {str(label): parse_qs(urlsplit(url).query) for label, url in quarter.links}


@translation.override("en")
def test_last_quarter_is_the_one_before_across_a_new_year():
    from quipu_portal.dashboard.services import dashboard_get

    quarters = dashboard_get(user=None, connection=7, today=datetime.date(2027, 1, 12)).quarters
    links = {str(q.title): links_of(q) for q in quarters}

    # Every link names the client the home page shows.
    assert all(url.startswith("/c/7/") for q in quarters for _label, url in q.links)

    assert links["Last quarter"]["Expense invoices"] == {
        "period": ["quarter"],
        "year": ["2026"],
        "quarter": ["4"],
        "kind": ["expenses"],
    }
    assert links["This quarter"]["Income invoices"]["year"] == ["2027"]
    assert links["This quarter"]["Income invoices"]["quarter"] == ["1"]


@translation.override("en")
def test_every_quarter_link_opens_a_list_filtered_to_that_quarter(portal):
    quarter = quarter_links(datetime.date(2026, 8, 3), "Q")
    assert quarter.label == "Q3 2026"
    for label, url in quarter.links:
        page = portal.get(url)
        assert page.status_code == 200, label
        assert 'value="quarter" selected' in page.content.decode(), label


def test_home_shows_my_jobs_and_changes_not_another_users_and_asks_quipu_nothing(
    portal,
    accountant,
    connection,
    other_user,
    sandbox,
    quipu_account,
):
    running = Job.objects.create(
        owner=accountant,
        connection=connection,
        kind=BULK_CATEGORIES,
        title="Q3 expenses to 629",
        status=JobStatus.RUNNING,
        total=10,
        changed_count=4,
    )
    Job.objects.create(
        owner=accountant,
        connection=connection,
        kind=BULK_CATEGORIES,
        title="Draft never started",
    )
    theirs = connection_create(
        owner=other_user,
        name="Their company",
        base_url=sandbox.base_url,
        app_id=quipu_account["app_id"],
        app_secret=quipu_account["app_secret"],
    )
    Job.objects.create(
        owner=other_user,
        connection=theirs,
        kind=BULK_CATEGORIES,
        title="Someone else's job",
        status=JobStatus.FINISHED,
    )
    AuditEntry.objects.create(
        user=accountant,
        connection=connection,
        connection_name=connection.name,
        resource="invoices",
        document_id="7",
        document_label="Invoice F-7",
        field="accounting_category",
        before="600",
        after="629",
    )
    AuditEntry.objects.create(
        user=other_user,
        connection=theirs,
        connection_name="Their company",
        resource="invoices",
        document_id="8",
        document_label="Invoice F-8",
        field="accounting_category",
        before="600",
        after="700",
    )
    requests_before = sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"]

    page = portal.get(reverse("core:home")).content.decode()

    assert "Q3 expenses to 629" in page and connection_reverse("jobs:detail", args=[running.pk]) in page
    assert 'value="40"' in page  # its progress
    assert "Draft never started" not in page
    assert "Someone else" not in page
    assert "Invoice F-7" in page and "Invoice F-8" not in page
    assert f"You are working on {connection.name}" in page
    assert sandbox.stats()["accounts"][quipu_account["app_id"]]["requests"] == requests_before


def test_without_a_connection_home_says_how_to_start(client, accountant):
    client.force_login(accountant)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("connections:add") in page
    assert "Add your first Quipu connection" in page
