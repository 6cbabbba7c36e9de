"""A credit note created from a document's page is in the change log, like any other write."""

from quipu_portal.audit.models import AuditEntry
from tests.invoices.test_credit_note_once import credit_notes, partial_refund, refundable_invoice


def test_creating_a_credit_note_records_it_in_the_change_log(portal, quipu):
    invoice = refundable_invoice(quipu)
    url, data = partial_refund(portal, invoice)

    assert portal.post(url, data).status_code == 302

    (credit_note_id,) = credit_notes(quipu, invoice)
    logged = AuditEntry.objects.filter(resource="invoices", document_id=credit_note_id)
    assert logged.exists()
    assert all(entry.before == "" for entry in logged)
    assert logged.filter(field="credit_note_reason", after="R5").exists()
