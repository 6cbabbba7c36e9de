"""Reference data (contacts, categories) and attachments written from the portal land in the change log."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quipu_portal.audit.models import AuditEntry
from quipu_portal.connections.scope import connection_reverse
from tests.helpers import form_data


def entries_of(record_id, **kwargs):
    return AuditEntry.objects.filter(document_id=record_id, **kwargs)


def test_creating_renaming_and_deleting_a_contact_is_logged_field_by_field(
    portal, quipu, accountant, connection
):
    created = portal.post(
        connection_reverse("contacts:create"), {"name": "Talleres Moncayo S.L.", "town": "Tarazona"}
    )
    assert created.status_code == 302
    contact_id = created["Location"].rstrip("/").split("/")[-1]
    creation = entries_of(contact_id, user=accountant, connection=connection, resource="contacts")
    assert (
        creation.get(field="name").before == ""
        and creation.get(field="name").after == "Talleres Moncayo S.L."
    )
    assert creation.get(field="town").after == "Tarazona"

    url = connection_reverse("contacts:edit", args=[contact_id])
    data = form_data(portal.get(url), "reference-form")
    data["name"] = "Talleres Moncayo Hermanos S.L."
    assert portal.post(url, data).status_code == 302
    rename = entries_of(contact_id, before="Talleres Moncayo S.L.").get(field="name")
    assert rename.after == "Talleres Moncayo Hermanos S.L."
    assert rename.document_label == "Talleres Moncayo Hermanos S.L."
    assert not entries_of(contact_id, field="town").exclude(pk=creation.get(field="town").pk).exists()

    assert portal.post(connection_reverse("contacts:delete", args=[contact_id])).status_code == 302
    deletion = entries_of(contact_id, after="", field="name").exclude(before="")
    assert deletion.get().before == "Talleres Moncayo Hermanos S.L."

    log = portal.get(reverse("audit:list"), {"resource": "contacts", "document": "Moncayo"}).content.decode()
    assert "Talleres Moncayo Hermanos S.L." in log
    assert log.count('data-testid="audit-entry"') == entries_of(contact_id).count()


def test_a_new_analytic_category_is_logged_under_its_name(portal, quipu, accountant):
    response = portal.post(
        connection_reverse("analytic_categories:create"), {"name": "Proyectos", "parent": ""}
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(user=accountant, resource="analytic_categories", field="name")
    assert (entry.before, entry.after, entry.document_label) == ("", "Proyectos", "Proyectos")
    log = portal.get(reverse("audit:list"), {"resource": "analytic_categories"}).content.decode()
    assert "<td>Proyectos</td>" in log


def test_a_write_quipu_refuses_records_nothing(portal, quipu):
    contact = next(c for c in quipu.iterate("contacts") if c.deletable is False)

    portal.post(connection_reverse("contacts:delete", args=[contact.id]))
    portal.post(
        connection_reverse("contacts:create"),
        {"name": "Banco Malo S.L.", "bank_account_number": "ES00 1234 5678 9999"},
    )

    assert not AuditEntry.objects.exists()


def test_uploading_and_deleting_an_attachment_is_logged_on_the_document(
    portal, quipu, accountant, connection
):
    summary = next(iter(quipu.iterate("book_entries", filters={"type": "invoices", "kind": "expenses"})))
    invoice = quipu.retrieve("invoices", summary.id)
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")

    response = portal.post(connection_reverse("invoices:attachments", args=[invoice.id]), {"file": upload})

    assert response.status_code == 302
    added = entries_of(invoice.id, user=accountant, connection=connection, resource="invoices").get()
    assert (added.field, added.before, added.after) == ("attachments", "", "receipt.pdf")
    assert added.document_label == (invoice.number or "")

    attachment_id = quipu.retrieve("invoices", invoice.id).attachments[-1].id
    portal.post(connection_reverse("invoices:attachment-delete", args=[invoice.id, attachment_id]))

    removed = entries_of(invoice.id, field="attachments", after="").get()
    assert (removed.before, removed.document_label) == ("receipt.pdf", added.document_label)
    log = portal.get(reverse("audit:list"), {"document": invoice.id}).content.decode()
    assert log.count("receipt.pdf") == 2
