"""Attachments through the portal: PDFs and images may open in the page, anything else downloads."""

import pytest

from quipu_portal.connections.scope import connection_reverse

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach(quipu, *, filename, content, content_type):
    """An attachment put into Quipu by some other program: the portal itself accepts only PDFs and images."""
    invoice = quipu.list("book_entries", filters={"type": "invoices"}).records[0]
    attachment = quipu.upload_attachment(
        book_entry_id=invoice.id, filename=filename, content=content, content_type=content_type
    )
    return connection_reverse("invoices:attachment-file", args=[invoice.id, attachment.id])


@pytest.mark.parametrize(
    "filename, content, content_type",
    [
        ('bill"; x=1\\..html', b"<html><script>alert(1)</script></html>", "text/html"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("notes.txt", b"plain words", "text/plain"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_an_image_is_a_download(portal, quipu, filename, content, content_type):
    url = _attach(quipu, filename=filename, content=content, content_type=content_type)

    response = portal.get(url)

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    ascii_name = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_name and all(c.isalnum() or c in "._-" for c in ascii_name), disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == content


def test_a_pdf_opens_in_the_page(portal, quipu):
    url = _attach(quipu, filename="recibo junio.pdf", content=PDF_BYTES, content_type="application/pdf")

    response = portal.get(url)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="recibo')
    assert '.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
