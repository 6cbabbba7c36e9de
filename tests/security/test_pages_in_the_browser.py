"""What every page sends to the browser: a strict CSP it actually obeys, and user text escaped."""

import re

import pytest

from quipu_portal.quipu.records import RecordInput
from tests.security.urlwalk import fill, plain_values, portal_routes

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("quipu")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;quipu&quot;)&lt;/script&gt;"

# Markup a strict CSP (no 'unsafe-inline', htmx without eval) silently breaks.
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
HX_ON = re.compile(r"\shx-on[:-]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _html_pages(world, browser):
    """Every page the owner can open with a GET, with its URL."""
    for route in portal_routes():
        if route.label in ("logout",):
            continue
        url = route.url(plain_values(fill(route, world)))
        response = browser.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, response


def test_every_page_sends_a_strict_policy_and_only_markup_that_obeys_it(world, owner_browser):
    seen = 0
    for url, response in _html_pages(world, owner_browser):
        seen += 1
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in (p.strip() for p in policy.split(";")) if part
        )
        assert directives["default-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["base-uri"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        html = response.content.decode()
        nonce = re.search(
            r"'nonce-([^']+)'", directives["script-src"][1] if len(directives["script-src"]) > 1 else ""
        )
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or (nonce and f'nonce="{nonce.group(1)}"' in tag), (url, tag)
        for pattern in (INLINE_HANDLER, INLINE_STYLE, HX_ON, JAVASCRIPT_URL):
            found = pattern.search(html)
            assert found is None, f"{url}: {found.group(0)[:120] if found else ''}"
    assert seen >= 20


def test_text_from_quipu_is_shown_as_text_on_every_page(world, owner_browser):
    quipu = world.quipu()
    contact = quipu.create("contacts", RecordInput(attributes={"name": PAYLOAD, "tax_id": "B00000000"}))
    invoice_id = world.document_id("invoices")
    quipu.update(
        "invoices",
        invoice_id,
        RecordInput(attributes={"notes": PAYLOAD}, relationships={"contact": contact.id}),
    )

    escaped_on = []
    for url, response in _html_pages(world, owner_browser):
        html = response.content.decode()
        assert PAYLOAD not in html, url
        if ESCAPED in html:
            escaped_on.append(url)
    assert f"/c/{world.owner_connection.pk}/invoices/{invoice_id}/" in escaped_on
    assert any(url.rstrip("/").endswith("/contacts") or f"/{contact.id}/" in url for url in escaped_on), (
        escaped_on
    )
