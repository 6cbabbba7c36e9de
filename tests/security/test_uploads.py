"""Attachments: what the portal refuses to pass on to Quipu."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quipu_portal.connections.scope import connection_reverse
from tests.security.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def _attachment_count(world, document_id) -> int:
    record = world.quipu().retrieve("invoices", document_id, include=["attachments"])
    return len(getattr(record, "raw_relationships", {}).get("attachments", {}).get("data") or [])


def _upload(browser, document_id, upload):
    url = connection_reverse("invoices:attachments", args=[document_id])
    return browser.post(url, {"file": upload}, follow=True)


def test_a_file_over_the_size_limit_is_refused_and_never_reaches_quipu(world, owner_browser):
    invoice_id = world.document_id("invoices")
    before = _attachment_count(world, invoice_id)
    too_big = SimpleUploadedFile(
        "scan.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )

    response = _upload(owner_browser, invoice_id, too_big)

    assert response.status_code in (200, 413)
    assert _attachment_count(world, invoice_id) == before


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        (
            "image.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("tool.exe", b"MZ\x90\x00binary", "application/octet-stream"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(world, owner_browser, name, content, content_type):
    invoice_id = world.document_id("invoices")
    before = _attachment_count(world, invoice_id)

    response = _upload(
        owner_browser, invoice_id, SimpleUploadedFile(name, content, content_type=content_type)
    )

    assert response.status_code == 200
    assert _attachment_count(world, invoice_id) == before, f"{name} was passed on to Quipu"


def test_a_pdf_within_the_limit_is_accepted(world, owner_browser):
    invoice_id = world.document_id("invoices")
    before = _attachment_count(world, invoice_id)

    _upload(
        owner_browser,
        invoice_id,
        SimpleUploadedFile("receipt.pdf", PDF_BYTES, content_type="application/pdf"),
    )

    assert _attachment_count(world, invoice_id) == before + 1
