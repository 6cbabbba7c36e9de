"""Documents as the tax figures see them, when Quipu sends a document without its items."""

import datetime
from decimal import Decimal as D

from quipu_portal.quipu.records import Invoice, Ref
from quipu_portal.tax_previews.documents import tax_document_from
from quipu_portal.tax_previews.figures import model_303


def test_a_document_without_its_items_counts_with_its_totals_at_the_rate_they_imply():
    record = Invoice(
        id="7",
        type="invoices",
        kind="expenses",
        number="A-1",
        issue_date=datetime.date(2026, 8, 1),
        total_amount_without_taxes=D("200.00"),
        vat_amount=D("42.00"),
        retention_amount=D("30.00"),
        total_amount=D("212.00"),
        issuing_name="Asesoría",
        issuing_tax_id="B12345678",
        issuing_country_code="es",
        item_refs=(Ref("book_entry_items", "1"),),
    )
    document = tax_document_from(record)
    [line] = document.lines
    assert (line.base, line.vat_percent, line.vat, line.retention_percent, line.deductible_vat) == (
        D("200.00"),
        D("21"),
        D("42.00"),
        D("15"),
        D("42.00"),
    )
    form = model_303([document], year=2026, quarter=3)
    assert (form.amount("28"), form.amount("29"), form.amount("46")) == (D("200.00"), D("42.00"), D("-42.00"))
