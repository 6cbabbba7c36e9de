"""PDF downloads (with the Bearer token, and the one-hour open link) and attachment uploads."""

import io
from decimal import Decimal

import pypdf
from PIL import Image

from .api import Api, errors_by_pointer


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def money(value: str) -> str:
    amount = Decimal(value).quantize(Decimal("0.01"))
    whole, frac = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{grouped},{frac}"


def income_invoice(api) -> dict:
    return api.data("/invoices", params={"filter[kind]": "income", "include": "items"})[0]


def test_income_invoice_pdf_shows_number_dates_parties_items_taxes_and_totals(api):
    body = api.get("/invoices", params={"filter[kind]": "income", "include": "items"}).json()
    invoice = body["data"][0]
    attributes = invoice["attributes"]
    url = attributes["download_pdf_url"]
    assert url == f"{api.base_url}/invoices/{invoice['id']}/download"
    response = api.fetch(url, token=...)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "RateLimit-Remaining" in response.headers
    text = pdf_text(response.content)
    assert "FACTURA" in text
    assert attributes["number"] in text
    assert attributes["issue_date"] in text
    assert attributes["issuing_name"] in text and attributes["recipient_name"] in text
    assert attributes["issuing_tax_id"] in text
    for item_id in (i["id"] for i in invoice["relationships"]["items"]["data"]):
        concept = next(i for i in body["included"] if i["id"] == item_id)["attributes"]["concept"]
        assert concept[:40] in text
    assert "IVA" in text
    assert money(attributes["total_amount"]) in text
    assert money(attributes["total_amount_without_taxes"]) in text


def test_pdf_download_needs_the_token(api):
    url = income_invoice(api)["attributes"]["download_pdf_url"]
    response = api.fetch(url)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"detail": "Not authorized"}]}


def test_pdf_downloads_count_against_the_rate_budget(sandbox_server, api):
    url = income_invoice(api)["attributes"]["download_pdf_url"]
    before = sandbox_server.stats()["accounts"][api.app_id]["requests"]
    api.fetch(url, token=...)
    assert sandbox_server.stats()["accounts"][api.app_id]["requests"] == before + 1


def test_ephemeral_link_works_without_token_for_one_hour(private_sandbox):
    account = private_sandbox.create_account("Enlaces S.L.", seed="small")
    client = Api.for_account(private_sandbox.base_url, account)
    invoice = income_invoice(client)
    link = invoice["attributes"]["ephemeral_open_download_pdf_url"]
    assert f"/invoices/{invoice['id']}/ephemeral_open_download?token=" in link
    opened = client.fetch(link)
    assert opened.status_code == 200
    assert invoice["attributes"]["number"] in pdf_text(opened.content)
    tampered = client.fetch(link[:-3] + "abc")
    assert tampered.status_code == 404
    assert tampered.json() == {"errors": [{"detail": "Record not found"}]}
    private_sandbox.advance_clock(3500)
    assert client.fetch(link).status_code == 200
    private_sandbox.advance_clock(200)
    assert client.fetch(link).status_code == 404


def test_simplified_invoice_pdf_and_documents_without_one(api):
    simplified = api.data("/simplified_invoices", params={"filter[kind]": "income"})[0]
    response = api.fetch(simplified["attributes"]["download_pdf_url"], token=...)
    assert "FACTURA SIMPLIFICADA" in pdf_text(response.content)
    expense = api.data("/invoices", params={"filter[kind]": "expenses"})[0]
    assert "download_pdf_url" not in expense["attributes"]
    assert api.get(f"/invoices/{expense['id']}/download").status_code == 404
    additional = api.data("/additional_incomes")[0]
    assert api.get(f"/additional_incomes/{additional['id']}/download").status_code == 404


def test_credit_note_pdf_says_what_it_amends(api):
    amending = next(i for i in api.all("/invoices") if i["relationships"]["amended_invoice"]["data"])
    original = api.data(f"/invoices/{amending['relationships']['amended_invoice']['data']['id']}")
    response = api.get(f"/invoices/{amending['id']}/download")
    text = pdf_text(response.content)
    assert "RECTIFICATIVA" in text and original["attributes"]["number"] in text


def png_bytes(size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format="PNG")
    return out.getvalue()


def test_image_attachment_is_served_with_preview_and_thumbnail(api):
    entry = api.data("/invoices", params={"filter[kind]": "expenses"})[0]
    response = api.post(
        "/attachments",
        files={"file": ("ticket gasolina.png", png_bytes(), "image/png")},
        data={"book_entry_id": entry["id"]},
    )
    assert response.status_code == 201
    attachment = response.json()["data"]
    attributes = attachment["attributes"]
    assert attachment["relationships"]["book_entry"]["data"] == {"id": entry["id"], "type": "invoices"}
    assert attributes["url"].startswith("/uploads/book_entry_attachments/")
    original = api.fetch(api.base_url + attributes["url"])
    assert original.status_code == 200 and original.content == png_bytes()
    small = Image.open(io.BytesIO(api.fetch(api.base_url + attributes["small_url"]).content))
    thumb = Image.open(io.BytesIO(api.fetch(api.base_url + attributes["thumbnail_url"]).content))
    assert max(small.size) == 500 and max(thumb.size) == 100
    assert api.data(f"/attachments/{attachment['id']}") == attachment
    assert api.data(f"/invoices/{entry['id']}")["relationships"]["attachments"]["data"] == [
        {"id": attachment["id"], "type": "attachments"}
    ]
    assert api.delete(f"/attachments/{attachment['id']}").status_code == 204
    assert api.get(f"/attachments/{attachment['id']}").status_code == 404
    assert api.fetch(api.base_url + attributes["url"]).status_code == 404


def test_non_image_attachment_has_only_a_url_and_can_be_included(api):
    entry = api.data("/simplified_invoices")[0]
    response = api.post(
        "/attachments",
        files={"file": ("recibo.pdf", b"%PDF-1.4 recibo", "application/pdf")},
        data={"book_entry_id": entry["id"]},
    )
    attributes = response.json()["data"]["attributes"]
    assert "small_url" not in attributes and "thumbnail_url" not in attributes
    included = api.get(f"/simplified_invoices/{entry['id']}", params={"include": "attachments"}).json()[
        "included"
    ]
    assert [i["type"] for i in included] == ["attachments"]


def test_attachment_upload_needs_a_file_and_a_book_entry(api):
    response = api.post("/attachments", files={"other": ("x.txt", b"x")}, data={"book_entry_id": "1"})
    assert response.status_code == 422
    assert errors_by_pointer(response) == {
        "/data/attributes/file": "Can not be blank.",
        "/data/relationships/book_entry": "does not exist",
    }


def test_with_pdf_kb_each_pdf_weighs_what_a_scanned_invoice_does():
    """``--pdf-kb 200`` adds a scanned-looking page so downloads and bundles are measured at a
    realistic size; the invoice's own page is unchanged."""
    from quipu_portal.sandbox.testing import start_sandbox

    with start_sandbox(seed="demo", extra_args=("--pdf-kb", "200")) as running:
        api = Api(running.base_url, "demo-sl-app-id", "demo-sl-app-secret")
        invoice = income_invoice(api)
        response = api.fetch(invoice["attributes"]["download_pdf_url"], token=...)

    assert response.status_code == 200
    assert 190 * 1024 <= len(response.content) <= 230 * 1024
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    assert invoice["attributes"]["number"] in reader.pages[0].extract_text()
