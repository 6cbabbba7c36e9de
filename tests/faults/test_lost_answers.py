"""A person's single writes and downloads while Quipu applies writes but loses their answers, cuts PDFs
half way and answers 429s and 5xx: each write lands once or not at all, and the page says which, or
that it may have landed; a PDF is either complete or reported as not downloaded.

Faults are set only while the write (or download) is sent, with a seed per operation, so each run
meets the same faults and every form is read from a Quipu that behaves. No plain dropped connections
here: a write whose answer is missing was applied, so the expected counts are exact.
"""

import collections
import io

import pytest
from django.contrib.messages import get_messages
from pypdf import PdfReader

from quipu_portal.connections.scope import connection_reverse
from tests.helpers import form_data

ANSWER_FAULTS = {"drop_after_write": 0.35, "500": 0.12, "503": 0.05, "429": 0.1, "cut_pdf": 0.5}
UNCERTAIN = "may have been saved"
CREATES = EDITS = 10
CREDIT_NOTES = 8
DELETES = 6
DOWNLOADS = 12

pytestmark = [pytest.mark.serial, pytest.mark.django_db]


class Faults:
    """The account's faults on for one request at a time, each with its own seed."""

    def __init__(self, sandbox, app_id: str):
        self.sandbox, self.app_id, self.turn = sandbox, app_id, 0

    def __enter__(self):
        self.turn += 1
        self.sandbox.set_faults(app_id=self.app_id, seed=7000 + self.turn, **ANSWER_FAULTS)

    def __exit__(self, *exc_info):
        self.sandbox.clear_faults(app_id=self.app_id)


@pytest.fixture
def faults(sandbox, quipu_account):
    faults = Faults(sandbox, quipu_account["app_id"])
    yield faults
    sandbox.clear_faults(app_id=quipu_account["app_id"])


def outcome(response) -> str:
    """What the person was told: saved (redirected on), uncertain, or not saved."""
    if response.status_code == 302:
        return "saved"
    page = response.content.decode()
    assert "Traceback" not in page and response.status_code != 500
    return "uncertain" if UNCERTAIN in page else "not saved"


def invoices(quipu, **filters) -> list:
    return list(quipu.iterate("book_entries", filters={"type": "invoices", **filters}))


def plain_income_invoices(quipu) -> list:
    """Income invoices that are neither credit notes nor amended: each can take a line or a refund."""
    found = []
    for summary in invoices(quipu, kind="income"):
        invoice = quipu.retrieve("invoices", summary.id, include=["items"])
        if invoice.items and not invoice.amending_invoices and not invoice.amended_invoice:
            found.append(invoice)
    return found


def concepts(quipu) -> collections.Counter:
    lines = collections.Counter()
    for summary in invoices(quipu):
        lines.update(item.concept for item in quipu.retrieve("invoices", summary.id, include=["items"]).items)
    return lines


def test_creates_and_edits_land_once_or_say_they_may_have(portal, quipu, faults):
    contact = next(iter(quipu.iterate("contacts")))
    before = len(invoices(quipu))
    told = {}
    url = connection_reverse("invoices:create") + "?kind=expenses"
    for number in range(CREATES):
        data = form_data(portal.get(url))
        # No number: Quipu would not refuse a second copy as a duplicate number.
        data.update({"contact": contact.id, "issue_date": "2026-10-05", "number": ""})
        data.update({"items-0-concept": f"Alta {number}", "items-0-quantity": "1"})
        data.update({"items-0-unitary_amount": "10", "items-0-vat_percent": "21"})
        with faults:
            told[f"Alta {number}"] = outcome(portal.post(url, data))

    edited = plain_income_invoices(quipu)[:EDITS]
    for invoice in edited:
        url = connection_reverse("invoices:edit", args=[invoice.id])
        data = form_data(portal.post(url, {**form_data(portal.get(url)).dict(), "_add_item": "1"}))
        new = len(invoice.items)
        data.update({f"items-{new}-concept": f"Línea {invoice.id}", f"items-{new}-quantity": "2"})
        data.update({f"items-{new}-unitary_amount": "5", f"items-{new}-vat_percent": "21"})
        with faults:
            told[f"Línea {invoice.id}"] = outcome(portal.post(url, data))

    lines = concepts(quipu)
    landed = {concept: lines[concept] for concept in told}
    assert landed == {concept: int(said != "not saved") for concept, said in told.items()}, told
    assert len(invoices(quipu)) == before + sum(landed[f"Alta {n}"] for n in range(CREATES))
    for invoice in edited:
        after = quipu.retrieve("invoices", invoice.id, include=["items"])
        kept = [(item.id, item.concept) for item in after.items][: len(invoice.items)]
        assert kept == [(item.id, item.concept) for item in invoice.items]
        assert len(after.items) == len(invoice.items) + landed[f"Línea {invoice.id}"]
    # The faults did strike: some writes were answered, some lost, some refused.
    assert {"saved", "uncertain", "not saved"} <= set(told.values()), told


def test_credit_notes_and_deletes_land_once_or_say_they_may_have(portal, quipu, faults):
    plain = plain_income_invoices(quipu)
    refunded, doomed = plain[:CREDIT_NOTES], invoices(quipu, kind="expenses")[:DELETES]
    told = {}
    for invoice in refunded:
        # A partial refund: Quipu would take a second one for the same invoice, so a repeat would land.
        data = {"mode": "partial", "issue_date": "2026-11-21", "credit_note_reason": "R5"}
        data.update({"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-0-concept": "Abono"})
        data.update({"items-0-quantity": "1", "items-0-unitary_amount": "-10", "items-0-vat_percent": "21"})
        with faults:
            told[invoice.id] = outcome(
                portal.post(connection_reverse("invoices:amend", args=[invoice.id]), data)
            )
    for invoice in doomed:
        with faults:
            told[invoice.id] = outcome(portal.post(connection_reverse("invoices:delete", args=[invoice.id])))

    for invoice in refunded:
        notes = quipu.retrieve("invoices", invoice.id).amending_invoices
        assert len(notes) == int(told[invoice.id] != "not saved"), (invoice.id, told[invoice.id])
    remaining = {summary.id for summary in invoices(quipu, kind="expenses")}
    for invoice in doomed:
        assert (invoice.id not in remaining) == (told[invoice.id] != "not saved"), (invoice.id, told)
    assert "saved" in told.values() and len(set(told.values())) > 1, told


def test_a_cut_pdf_is_never_handed_over_as_complete(portal, quipu, faults):
    documents = invoices(quipu, kind="income")[:DOWNLOADS]
    told = collections.Counter()
    for invoice in documents:
        with faults:
            response = portal.get(connection_reverse("pdfs:download", args=["invoices", invoice.id]))
        if response.status_code == 200:
            content = b"".join(response.streaming_content)
            assert int(response["Content-Length"]) == len(content)
            assert content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]
            assert invoice.number in PdfReader(io.BytesIO(content)).pages[0].extract_text()
            told["complete"] += 1
        else:
            assert response.status_code == 302
            message = [str(m) for m in get_messages(response.wsgi_request)][-1]
            assert "could not be downloaded" in message or "rate limit" in message, message
            told["failed"] += 1
    assert told["complete"] + told["failed"] == DOWNLOADS
    assert told["complete"] >= DOWNLOADS // 2, told
