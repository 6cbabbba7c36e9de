"""Single edits, creations and deletions made from document pages land in the change log."""

from quipu_portal.audit.models import AuditEntry
from quipu_portal.connections.scope import connection_reverse
from tests.helpers import form_data


def an_income_invoice(quipu):
    summary = next(iter(quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"})))
    return quipu.retrieve("invoices", summary.id, include=["items"])


def test_an_edit_logs_each_changed_field_with_before_and_after(portal, quipu, accountant, connection):
    invoice = an_income_invoice(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "Revisada por la gestoría"
    data["items-0-vat_percent"] = "4"

    assert portal.post(url, data).status_code == 302

    entries = AuditEntry.objects.filter(document_id=invoice.id, user=accountant, connection=connection)
    notes = entries.get(field="notes")
    assert notes.before == (invoice.notes or "")
    assert notes.after == "Revisada por la gestoría"
    first_line = invoice.items[0]
    vat = entries.get(field=f"line {first_line.id}: vat_percent")
    assert vat.before == str(first_line.raw_attributes["vat_percent"])
    assert vat.after.startswith("4")
    assert not entries.filter(field__startswith="line ", field__endswith=": concept").exists()


def test_a_delete_is_logged(portal, quipu, accountant):
    summary = next(iter(quipu.iterate("book_entries", filters={"type": "invoices", "kind": "expenses"})))
    response = portal.post(connection_reverse("invoices:delete", args=[summary.id]))

    assert response.status_code == 302
    assert AuditEntry.objects.filter(document_id=summary.id, user=accountant).exists()
