"""Random input in every filter parameter and every form field: never a server error.

The parameter and field names are read from the pages themselves (every named input, select and
textarea), so a filter or field added later is fuzzed too.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.urlwalk import fill, plain_values, portal_routes

pytestmark = pytest.mark.django_db

EXAMPLES = 8
FORM_ROUTE_NAMES = {"create", "edit", "add", "amend"}
ROUTES = portal_routes()
LIST_ROUTES = [route for route in ROUTES if route.name == "list" and not route.arguments]
FORM_ROUTES = [route for route in ROUTES if route.name in FORM_ROUTE_NAMES]

NASTY = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "99999999999999999999",
        "1e309",
        "NaN",
        "2024-02-30",
        "31/12/2024",
        "0000-00-00",
        "-issue_date,,number,-",
        "../../etc/passwd",
        "%00",
        "' OR 1=1 --",
        '<script>alert("x")</script>',
        "ñandú €",
        "1,5",
        "1.000,50",
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=40), st.integers().map(str), st.decimals(allow_nan=False).map(str))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _field_names(html: str) -> list[str]:
    names = re.findall(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", html)
    return sorted({name for name in names if name != "csrfmiddlewaretoken"})


def _url(route, world) -> str:
    return route.url(plain_values(fill(route, world)))


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda route: route.label)
def test_random_filter_parameters_never_break_a_list(route, world, owner_browser):
    url = _url(route, world)
    page = owner_browser.get(url)
    assert page.status_code == 200
    names = _field_names(page.content.decode()) + ["sort", "page", "per_page", "q"]

    @HYPOTHESIS
    @given(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    def check(params):
        response = owner_browser.get(url, params)
        assert response.status_code < 500, (url, params)
        partial = owner_browser.get(url, params, headers={"HX-Request": "true"})
        assert partial.status_code < 500, (url, params)

    check()


@pytest.mark.parametrize("route", FORM_ROUTES, ids=lambda route: route.label)
def test_random_form_input_never_breaks_a_form(route, world, owner_browser):
    url = _url(route, world)
    page = owner_browser.get(url)
    assert page.status_code == 200
    names = _field_names(page.content.decode())
    assert names, f"{url} has no form fields"

    @HYPOTHESIS
    @given(st.dictionaries(st.sampled_from(names), VALUES, min_size=1))
    def check(data):
        response = owner_browser.post(url, data)
        assert response.status_code < 500, (url, data)

    check()
