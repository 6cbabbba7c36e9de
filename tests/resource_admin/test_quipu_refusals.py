"""Quipu's 400, 409, 413 and 422 and unexpected statuses: a clear message where the user acted, never a 500."""

import html

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from django_htmx.middleware import HtmxDetails

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.errors import FieldError, QuipuError, QuipuTooLargeError, QuipuValidationError
from quipu_portal.resource_admin.errors import quipu_boundary
from tests.helpers import htmx

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _bad_requests(sandbox, app_id) -> int:
    return sandbox.stats()["accounts"].get(app_id, {}).get("by_status", {}).get("400", 0)


def _invoice(quipu, kind="income"):
    return quipu.list("book_entries", filters={"type": "invoices", "kind": kind}).records[0]


def _raising(error):
    @quipu_boundary
    def view(request):
        raise error

    return view


def _request(user, **headers):
    request = RequestFactory().get("/invoices/", headers=headers)
    request.htmx = HtmxDetails(request)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "error, status, words",
    [
        (QuipuValidationError([FieldError(None, "Bad request")], status=400), 400, "Bad request"),
        (QuipuValidationError([], status=409), 409, "changed in Quipu in the meantime"),
        (QuipuError("HTTP 418", status=418), 503, "an answer this portal does not expect"),
        (QuipuTooLargeError("Request entity too large", status=413), 413, "larger than Quipu accepts"),
    ],
)
def test_the_boundary_turns_quipu_refusals_and_odd_statuses_into_a_message(accountant, error, status, words):
    with translation.override("en"):  # what the locale middleware does for our English-reading accountant
        page = _raising(error)(_request(accountant))
        fragment = _raising(error)(_request(accountant, **htmx(**{"HX-Target": "results"})))

    assert page.status_code == status and words in _text(page) and "<html" in _text(page)
    assert fragment.status_code == 200 and words in _text(fragment) and "<html" not in _text(fragment)


def test_a_contact_filter_that_is_no_contact_is_refused_at_the_field(portal, sandbox, quipu_account):
    response = portal.get(connection_reverse("invoices:list"), {"contact": "abc"})

    assert response.status_code == 200
    assert 'id="id_contact_error"' in response.content.decode()  # the message, next to the field
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert _bad_requests(sandbox, quipu_account["app_id"]) == 0


def test_a_selection_whose_contact_filter_is_no_contact_is_refused_before_quipu(
    portal, sandbox, quipu_account
):
    url = connection_reverse("pdfs:bundle-start", args=["invoices"])

    response = portal.post(url, {"query": "contact=abc", "select_across": "1"}, follow=True)

    assert response.status_code == 200
    assert "The list's filter could not be read" in _text(response)
    assert _bad_requests(sandbox, quipu_account["app_id"]) == 0


def test_an_unknown_download_format_asks_again(portal, quipu):
    invoice = _invoice(quipu)
    url = connection_reverse("pdfs:bundle-start", args=["invoices"])

    response = portal.post(url, {"ids": [invoice.id], "confirm": "yes", "format": "xls"})

    assert response.status_code == 200
    assert "Select a valid choice" in _text(response)
    assert 'name="format"' in response.content.decode()


@pytest.mark.parametrize("status", [409, 422])
def test_a_delete_quipu_refuses_with_a_conflict_says_so_and_keeps_the_document(
    portal, quipu, sandbox, quipu_account, status
):
    invoice = _invoice(quipu)
    url = connection_reverse("invoices:delete", args=[invoice.id])
    sandbox.set_faults(app_id=quipu_account["app_id"], delete_status=status)
    try:
        response = portal.post(url)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response.status_code == 200
    assert "Quipu said" in _text(response)
    assert quipu.retrieve("invoices", invoice.id).id == invoice.id


def test_an_attachment_quipu_finds_too_large_is_explained(portal, quipu, sandbox, quipu_account):
    invoice = _invoice(quipu)
    url = connection_reverse("invoices:attachments", args=[invoice.id])
    upload = SimpleUploadedFile("scan.pdf", PDF_BYTES + b"0" * 4000, content_type="application/pdf")
    sandbox.set_faults(app_id=quipu_account["app_id"], upload_limit=2000)
    try:
        response = portal.post(url, {"file": upload}, follow=True)
    finally:
        sandbox.clear_faults(quipu_account["app_id"])

    assert response.status_code == 200
    assert "Quipu did not accept the file: The file is larger than Quipu accepts." in _text(response)


def test_an_upload_over_the_portals_own_limits_is_refused_without_a_server_error(portal, quipu, settings):
    invoice = _invoice(quipu)
    url = connection_reverse("invoices:attachments", args=[invoice.id])
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    big_field = portal.post(url, {"note": "x" * 5000})
    many_fields = portal.post(url, {f"field{n}": "x" for n in range(50)})

    assert big_field.status_code < 500 and many_fields.status_code < 500


def test_before_the_contact_names_are_read_only_an_id_is_accepted_as_contact():
    from quipu_portal.resource_admin.filters import DocumentFilterForm

    cold = DocumentFilterForm({"contact": "abc"}, contact_choices=[("abc", "abc")])
    an_id = DocumentFilterForm({"contact": "42"}, contact_choices=[("42", "42")])

    assert not cold.is_valid() and cold.errors["contact"] == ["Choose a contact from the list."]
    assert an_id.is_valid() and an_id.api_filters() == {"contact_id": "42"}
