"""Every POST-only endpoint, found by walking the URL conf, fed empty, garbage, oversized and wrong-type
values with the reference-data cache empty: never a server error.

The only 5xx allowed is the documented "Quipu is busy / not answering" page (resource_admin/errors.py):
503 with ``Retry-After`` and the problem region. A POST-only URL added later is fuzzed without anyone
touching this file.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import cache_clear
from tests.security.test_random_input import NASTY
from tests.security.urlwalk import fill, plain_values, portal_routes

pytestmark = pytest.mark.django_db

EXAMPLES = 6
# Field names the portal's forms and views read from a POST (and a few management-form names).
FIELD_NAMES = [
    "action", "analytic_action", "analytic_categories", "app_id", "app_secret", "base_url", "category",
    "confirm", "connection", "contact", "date_from", "file", "format", "id", "ids", "issue_date", "items-0-id",
    "items-INITIAL_FORMS", "items-TOTAL_FORMS", "kind", "language", "mode", "name", "namespace", "next",
    "page", "period", "query", "quarter", "scope", "select_across", "select_all", "subcategory", "term",
    "type", "year",
]  # fmt: skip
OVERSIZED = "9" * 20_000
# Values that mean something to some endpoint, so that random bodies get past the first check.
MEANINGFUL = st.sampled_from(
    ["yes", "1", "delete", "zip", "pdf", "contact=abc", "period=year&year=abc", "es"]
)
TEXT = st.one_of(NASTY, MEANINGFUL, st.text(max_size=30), st.integers().map(str), st.just(OVERSIZED))


def _file(content: bytes):
    return SimpleUploadedFile("upload.bin", content, content_type="application/octet-stream")


VALUE = st.one_of(
    TEXT,
    st.lists(TEXT, min_size=2, max_size=3),  # one name sent several times
    st.binary(max_size=64).map(_file),  # a file where text is expected (or garbage where a file is)
)
BODY = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12)), VALUE, max_size=6
)
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Posting these changes who is signed in or which connection is used: fuzzed after the others.
LAST = ("logout", "connections:")


def _documented_outage(response) -> bool:
    return (
        response.status_code == 503
        and response.has_header("Retry-After")
        and b'data-testid="quipu-problem"' in response.content
    )


def _post_only_urls(world, browser) -> list[tuple[str, str]]:
    found = []
    for route in portal_routes():
        url = route.url(plain_values(fill(route, world)))
        response = browser.get(url)
        if response.status_code == 405 and response["Allow"] == "POST":
            found.append((route.label, url))
    return sorted(found, key=lambda pair: pair[0].startswith(LAST))


def _fuzz(browser, world, label, url, failures):
    @HYPOTHESIS
    @given(body=BODY, as_htmx=st.booleans())
    # Selections and choices no form offers: a filter Quipu cannot take, a format that does not exist.
    @example(body={"query": "contact=abc", "select_across": "1", "action": "delete"}, as_htmx=False)
    @example(body={"query": "contact=abc", "ids": ["1", "2"], "confirm": "yes"}, as_htmx=True)
    @example(body={"ids": ["1"], "confirm": "yes", "format": "xls", "action": "delete"}, as_htmx=False)
    @example(body={"file": OVERSIZED, "next": "//evil.example/"}, as_htmx=False)
    def check(body, as_htmx):
        cache_clear()  # no reference data, contact names or token cached
        browser.force_login(world.owner)
        headers = {"HX-Request": "true"} if as_htmx else {}
        response = browser.post(url, body, headers=headers)
        if response.status_code >= 500 and not _documented_outage(response):
            failures.append((label, response.status_code, {k: str(v)[:60] for k, v in body.items()}))

    check()


def test_no_post_only_endpoint_breaks_on_random_input_with_a_cold_cache(world, owner_browser):
    endpoints = _post_only_urls(world, owner_browser)
    labels = {label for label, _url in endpoints}
    assert {"invoices:attachments", "pdfs:bundle-start", "invoices:bulk", "core:language"} <= labels, labels
    owner_browser.raise_request_exception = False  # a crash becomes the 500 a user would get
    failures = []

    for label, url in endpoints:
        _fuzz(owner_browser, world, label, url, failures)

    assert not failures, failures
