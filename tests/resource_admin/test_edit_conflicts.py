"""Single edits never overwrite blindly what changed in Quipu after the form was opened."""

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.quipu.jsonapi import item_to_input
from quipu_portal.quipu.records import ItemInput, RecordInput
from tests.helpers import form_data, htmx


def invoice_with_lines(quipu, at_least=2):
    for summary in quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"}):
        invoice = quipu.retrieve("invoices", summary.id, include=["items"])
        if len(invoice.items) >= at_least and not invoice.amending_invoices and not invoice.amended_invoice:
            return invoice
    raise AssertionError("the seed has no such invoice")


def lines(quipu, invoice_id):
    return quipu.retrieve("invoices", invoice_id, include=["items"]).items


def change_in_quipu(quipu, invoice, *, attributes=None, add=None, drop=None):
    """Someone else's edit in Quipu: some attributes, a line added or a line deleted."""
    current = quipu.retrieve("invoices", invoice.id, include=["items"])
    items = [item_to_input(item) for item in current.items if item.id != drop]
    if add:
        items.append(
            ItemInput(attributes={"quantity": "1", "unitary_amount": "35", "vat_percent": "21", **add})
        )
    quipu.update("invoices", invoice.id, RecordInput(attributes=attributes or {}, items=items))


def test_a_line_added_in_quipu_meanwhile_is_not_overwritten_and_the_difference_is_shown(portal, quipu):
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "Revisada por la gestoría"
    change_in_quipu(
        quipu, invoice, add={"concept": "Recambio añadido en Quipu"}, attributes={"tags": "urgente"}
    )

    response = portal.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="conflict"' in page
    assert "Line added in Quipu: “Recambio añadido en Quipu”." in page
    assert f"Tags: “{invoice.tags or 'empty'}” when you opened the form, now “urgente” in Quipu." in page
    assert "Revisada por la gestoría" in page  # what the user typed is still there
    after = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert after.notes != "Revisada por la gestoría"
    assert "Recambio añadido en Quipu" in [item.concept for item in after.items]


def test_applying_the_edit_on_top_keeps_quipus_line_and_field_and_the_users_change(portal, quipu):
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "Revisada por la gestoría"
    data["items-0-vat_percent"] = "10"
    change_in_quipu(
        quipu, invoice, add={"concept": "Recambio añadido en Quipu"}, attributes={"tags": "urgente"}
    )
    conflict = portal.post(url, data)
    merge = form_data(conflict)
    merge["_merge"] = "1"

    response = portal.post(url, merge, headers=htmx())

    assert response.status_code == 200
    assert response["HX-Redirect"] == connection_reverse("invoices:detail", args=[invoice.id])
    after = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert after.notes == "Revisada por la gestoría"
    assert after.tags == "urgente"
    assert [item.concept for item in after.items] == [
        *(item.concept for item in invoice.items),
        "Recambio añadido en Quipu",
    ]
    assert after.items[0].id == invoice.items[0].id and after.items[0].vat_percent == 10


def test_a_line_deleted_in_quipu_stays_deleted_unless_the_user_edited_it(portal, quipu):
    invoice = invoice_with_lines(quipu, at_least=2)
    first, second = invoice.items[0], invoice.items[1]
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["items-0-concept"] = "Mano de obra (revisado)"  # the user edits the first line
    change_in_quipu(quipu, invoice, drop=second.id)
    change_in_quipu(quipu, invoice, drop=first.id)
    conflict = portal.post(url, data)
    assert f"Line deleted in Quipu: “{first.concept}”." in conflict.content.decode()
    merge = form_data(conflict)
    merge["_merge"] = "1"

    assert portal.post(url, merge).status_code == 302

    concepts = [item.concept for item in lines(quipu, invoice.id)]
    assert second.concept not in concepts  # untouched here: stays deleted
    assert "Mano de obra (revisado)" in concepts  # edited here: comes back as the user left it
    assert first.id not in [item.id for item in lines(quipu, invoice.id)]


def test_the_same_field_changed_on_both_sides_takes_the_users_value_after_seeing_it(portal, quipu):
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "La nota de la gestoría"
    change_in_quipu(quipu, invoice, attributes={"notes": "La nota del cliente"})
    conflict = portal.post(url, data)
    assert "now “La nota del cliente” in Quipu" in conflict.content.decode()
    assert quipu.retrieve("invoices", invoice.id).notes == "La nota del cliente"
    merge = form_data(conflict)
    merge["_merge"] = "1"

    assert portal.post(url, merge).status_code == 302
    assert quipu.retrieve("invoices", invoice.id).notes == "La nota de la gestoría"


def test_a_change_in_quipu_after_the_differences_were_shown_is_shown_again(portal, quipu):
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "Revisada"
    change_in_quipu(quipu, invoice, attributes={"tags": "primero"})
    merge = form_data(portal.post(url, data))
    merge["_merge"] = "1"
    change_in_quipu(quipu, invoice, attributes={"tags": "segundo"})

    response = portal.post(url, merge)

    assert response.status_code == 200
    assert "now “segundo” in Quipu" in response.content.decode()
    assert quipu.retrieve("invoices", invoice.id).notes != "Revisada"


def test_reloading_shows_quipus_version_and_then_saves_normally(portal, quipu):
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "Revisada"
    change_in_quipu(quipu, invoice, add={"concept": "Recambio añadido en Quipu"})
    assert portal.post(url, data).status_code == 200

    reloaded = portal.get(url)

    assert 'value="Recambio añadido en Quipu"' in reloaded.content.decode()
    fresh = form_data(reloaded)
    fresh["notes"] = "Revisada"
    assert portal.post(url, fresh).status_code == 302
    after = quipu.retrieve("invoices", invoice.id, include=["items"])
    assert after.notes == "Revisada" and len(after.items) == len(invoice.items) + 1


def test_a_forged_or_missing_snapshot_is_never_trusted(portal, quipu):
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["notes"] = "Sin comprobar"
    data["_loaded"] = data["_loaded"][:-3] + "abc"

    response = portal.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="conflict"' in page
    assert 'data-testid="conflict-merge"' not in page
    assert quipu.retrieve("invoices", invoice.id).notes != "Sin comprobar"


def test_a_contact_changed_in_quipu_meanwhile_is_merged_field_by_field(portal, quipu):
    contact = quipu.create(
        "contacts",
        RecordInput(attributes={"name": "Recambios Moncayo S.L.", "town": "Tarazona", "phone": "976000000"}),
    )
    url = connection_reverse("contacts:edit", args=[contact.id])
    data = form_data(portal.get(url), "reference-form")
    data["email"] = "facturas@moncayo.es"
    quipu.update("contacts", contact.id, RecordInput(attributes={"phone": "976111111"}))

    conflict = portal.post(url, data)

    assert conflict.status_code == 200
    assert (
        "Phone: “976000000” when you opened the form, now “976111111” in Quipu." in conflict.content.decode()
    )
    assert quipu.retrieve("contacts", contact.id).email in (None, "")
    merge = form_data(conflict, "reference-form")
    merge["_merge"] = "1"
    assert portal.post(url, merge).status_code == 302
    saved = quipu.retrieve("contacts", contact.id)
    assert (saved.email, saved.phone, saved.town) == ("facturas@moncayo.es", "976111111", "Tarazona")


def test_in_spanish_a_line_changed_on_both_sides_shows_its_numbers_with_a_decimal_comma(
    portal, quipu, accountant
):
    user_language_set(user=accountant, language="es")
    invoice = invoice_with_lines(quipu)
    url = connection_reverse("invoices:edit", args=[invoice.id])
    data = form_data(portal.get(url))
    data["items-0-unitary_amount"] = "12,5"
    current = quipu.retrieve("invoices", invoice.id, include=["items"])
    items = [item_to_input(item) for item in current.items]
    items[0].attributes["unitary_amount"] = "40.25"
    quipu.update("invoices", invoice.id, RecordInput(items=items))

    page = portal.post(url, data).content.decode()

    assert "cuando abrió el formulario, ahora «40,25» en Quipu" in page
