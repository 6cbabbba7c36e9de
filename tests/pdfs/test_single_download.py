"""One PDF streamed through the portal: right bytes, type and name; Quipu's errors become messages."""

import io
from urllib.parse import unquote

from django.contrib.messages import get_messages
from pypdf import PdfReader

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.pdfs.documents import pdf_document_from


def income_invoice(quipu):
    return quipu.list("book_entries", filters={"type": "invoices", "kind": "income"}).records[0]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_download_streams_a_valid_pdf_with_a_readable_filename(portal, quipu):
    invoice = income_invoice(quipu)

    response = portal.get(connection_reverse("pdfs:download", args=["invoices", invoice.id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = body(response)
    assert int(response["Content-Length"]) == len(content)
    reader = PdfReader(io.BytesIO(content))
    assert invoice.number in reader.pages[0].extract_text()
    expected = pdf_document_from(invoice).filename
    assert expected.startswith(f"{invoice.number}_") and expected.endswith(
        f"_{invoice.issue_date.isoformat()}.pdf"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{expected}"')
    if not invoice.recipient_name.isascii():
        assert invoice.recipient_name in unquote(disposition.split("filename*=UTF-8''")[1])
    assert "Bearer" not in str(response.headers) and "token" not in disposition


def test_simplified_invoices_download_too(portal, quipu):
    simplified = quipu.list(
        "book_entries", filters={"type": "simplified_invoices", "kind": "income"}
    ).records[0]

    response = portal.get(connection_reverse("pdfs:download", args=["simplified_invoices", simplified.id]))

    assert response.status_code == 200
    assert body(response).startswith(b"%PDF-")


def test_a_missing_document_is_a_page_that_says_so_not_a_broken_download(portal, quipu):
    response = portal.get(connection_reverse("pdfs:download", args=["invoices", "999999999"]))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Quipu has no PDF for this document. It may have been deleted." in page
    assert f'href="{connection_reverse("invoices:list")}"' in page


def test_an_expense_invoice_has_no_pdf(portal, quipu):
    expense = quipu.list("book_entries", filters={"type": "invoices", "kind": "expenses"}).records[0]

    response = portal.get(connection_reverse("pdfs:download", args=["invoices", expense.id]))

    assert response.status_code == 404
    assert "Quipu has no PDF for this document" in response.content.decode()


def test_additional_incomes_and_other_kinds_have_no_download_route(portal, quipu):
    income = quipu.list("book_entries", filters={"type": "additional_incomes"}).records[0]

    assert (
        portal.get(connection_reverse("pdfs:download", args=["additional_incomes", income.id])).status_code
        == 404
    )
    assert portal.get(connection_reverse("pdfs:download", args=["paysheets", income.id])).status_code == 404


def test_rate_limit_sends_the_user_back_with_a_message(portal, quipu, sandbox, quipu_account):
    invoice = income_invoice(quipu)
    detail = connection_reverse("invoices:detail", args=[invoice.id])
    sandbox.set_faults(app_id=quipu_account["app_id"], p429=1.0)
    try:
        response = portal.get(
            connection_reverse("pdfs:download", args=["invoices", invoice.id]),
            headers={"Referer": f"http://testserver{detail}"},
        )
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{detail}"
    assert "rate limit is full" in message_texts(response)[0]


def test_quipu_down_is_a_message_on_the_document(portal, quipu, sandbox, quipu_account):
    invoice = income_invoice(quipu)
    sandbox.set_faults(app_id=quipu_account["app_id"], p503=1.0)
    try:
        response = portal.get(connection_reverse("pdfs:download", args=["invoices", invoice.id]))
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response.status_code == 302
    assert response["Location"] == connection_reverse("invoices:detail", args=[invoice.id])
    assert "could not be downloaded" in message_texts(response)[0]


def test_a_foreign_referer_is_not_followed(portal, quipu, sandbox, quipu_account):
    invoice = income_invoice(quipu)
    sandbox.set_faults(app_id=quipu_account["app_id"], p503=1.0)
    try:
        response = portal.get(
            connection_reverse("pdfs:download", args=["invoices", invoice.id]),
            headers={"Referer": "https://evil.example/x"},
        )
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response["Location"] == connection_reverse("invoices:detail", args=[invoice.id])


def test_detail_pages_offer_the_download_only_where_quipu_has_a_pdf(portal, quipu):
    invoice = income_invoice(quipu)
    expense = quipu.list("book_entries", filters={"type": "invoices", "kind": "expenses"}).records[0]
    additional = quipu.list("book_entries", filters={"type": "additional_incomes"}).records[0]
    download = connection_reverse("pdfs:download", args=["invoices", invoice.id])

    assert download in portal.get(connection_reverse("invoices:detail", args=[invoice.id])).content.decode()
    assert (
        "Download PDF"
        not in portal.get(connection_reverse("invoices:detail", args=[expense.id])).content.decode()
    )
    additional_page = portal.get(
        connection_reverse("additional_income:detail", args=[additional.id])
    ).content.decode()
    assert "Download PDF" not in additional_page


def test_list_rows_link_to_the_pdf_of_income_documents(portal, quipu):
    page = portal.get(connection_reverse("invoices:list"), {"per_page": "50"}).content.decode()

    for record in quipu.list("book_entries", filters={"type": "invoices"}, page_size=50).records:
        link = connection_reverse("pdfs:download", args=["invoices", record.id])
        assert (link in page) == (record.kind == "income")
