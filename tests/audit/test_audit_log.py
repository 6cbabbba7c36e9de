"""The change log: what is recorded, who sees it, filters, CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from quipu_portal.audit.models import AuditEntry
from quipu_portal.audit.services import audit_record_changes
from quipu_portal.connections.services import connection_create
from quipu_portal.core.services import user_language_set

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def accountant(user):
    user_language_set(user=user, language="en")
    return user


def _connection(owner, name):
    return connection_create(
        owner=owner, name=name, base_url="http://127.0.0.1:9", app_id=f"app-{name}", app_secret="secret-value"
    )


@pytest.fixture
def logged(accountant, other_user):
    """Changes on two of our accountant's connections, and one by another user."""
    north, south = _connection(accountant, "North S.L."), _connection(accountant, "South S.L.")
    audit_record_changes(
        user=accountant,
        connection=north,
        resource="invoices",
        document_id="101",
        document_label="Invoice F-101",
        before={"accounting_category": "600 Compras", "notes": "same"},
        after={"accounting_category": "629 Otros servicios", "notes": "same"},
    )
    audit_record_changes(
        user=accountant,
        connection=south,
        resource="tickets",
        document_id="202",
        document_label="Ticket T-7",
        before={"analytic_categories": ["Comercial"]},
        after={"analytic_categories": ["=HYPERLINK(1)"]},
    )
    old = audit_record_changes(
        user=accountant,
        connection=north,
        resource="invoices",
        document_id="303",
        document_label="Invoice F-303",
        before={"accounting_subcategory": ""},
        after={"accounting_subcategory": "Limpieza"},
    )
    AuditEntry.objects.filter(pk=old[0].pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    stranger = _connection(other_user, "Stranger S.A.")
    audit_record_changes(
        user=other_user,
        connection=stranger,
        resource="invoices",
        document_id="999",
        document_label="Invoice X-999",
        before={"accounting_category": "600"},
        after={"accounting_category": "700"},
    )
    return {"north": north, "south": south}


def test_only_fields_that_changed_are_recorded(logged, accountant):
    entries = AuditEntry.objects.filter(user=accountant, document_id="101")
    assert [(e.field, e.before, e.after, e.connection_name) for e in entries] == [
        ("accounting_category", "600 Compras", "629 Otros servicios", "North S.L.")
    ]


def test_the_log_shows_the_users_own_changes_and_filters_them(client, logged, accountant):
    client.force_login(accountant)
    page = client.get(reverse("audit:list")).content.decode()
    assert "Invoice F-101" in page and "Ticket T-7" in page and "Invoice F-303" in page
    assert "X-999" not in page

    def shown(**params):
        html = client.get(reverse("audit:list"), params, headers=HX).content.decode()
        assert "<html" not in html
        return {label for label in ("F-101", "T-7", "F-303") if label in html}

    assert shown(resource="tickets") == {"T-7"}
    assert shown(connection=logged["north"].pk) == {"F-101", "F-303"}
    assert shown(document="F-303") == {"F-303"}
    assert shown(document="202") == {"T-7"}
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert shown(date_from=week_ago) == {"F-101", "T-7"}
    assert shown(date_to=week_ago) == {"F-303"}


def test_another_users_connection_cannot_be_used_as_a_filter(client, logged, other_user):
    client.force_login(other_user)
    html = client.get(reverse("audit:list"), {"connection": logged["north"].pk}).content.decode()
    assert "F-101" not in html
    assert "North S.L." not in html


def test_csv_export_streams_the_filtered_entries_with_formulas_neutralised(client, logged, accountant):
    client.force_login(accountant)
    response = client.get(reverse("audit:export"), {"connection": logged["south"].pk})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1
    assert rows[0]["document"] == "Ticket T-7"
    assert rows[0]["user"] == accountant.username
    assert rows[0]["before"] == "Comercial"
    assert rows[0]["after"] == "'=HYPERLINK(1)"
