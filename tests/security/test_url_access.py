"""Walks the URL conf: who may open each URL, and whose data an id in a URL can reach.

The routes come from ``get_resolver()`` at collection time, so a URL added to any app is checked
here without touching this file; one whose arguments nobody knows how to fill fails with a message
saying where to add a filler.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.security.conftest import PDF_BYTES
from tests.security.urlwalk import (
    CLIENT_ARGUMENT,
    PUBLIC_URL_NAMES,
    Owned,
    all_routes,
    fill,
    is_reference,
    names_a_portal_row,
    plain_values,
    portal_routes,
)

pytestmark = pytest.mark.django_db


def _takes_a_reference(route) -> bool:
    return any(is_reference(route, argument) for argument in route.arguments)


ROUTES = portal_routes()
PRIVATE_ROUTES = [route for route in ROUTES if route.label not in PUBLIC_URL_NAMES]
REFERENCE_ROUTES = [route for route in ROUTES if route.arguments and _takes_a_reference(route)]
PORTAL_ROW_ROUTES = [route for route in ROUTES if names_a_portal_row(route)]


def _label(route) -> str:
    return route.label


def test_the_walker_sees_the_apps_urls():
    labels = {route.label for route in ROUTES}
    assert {"login", "connections:edit", "invoices:detail", "invoices:edit"} <= labels
    assert len(REFERENCE_ROUTES) >= 10


def test_only_the_allowlisted_views_are_public():
    public = {
        route.label for route in all_routes() if getattr(route.callback, "login_required", True) is False
    }
    admin_views = {label for label in public if label.startswith("admin:")}
    # The admin site checks staff itself (tested below); every other public view must be allowlisted.
    assert public - admin_views <= PUBLIC_URL_NAMES, public - admin_views - PUBLIC_URL_NAMES


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=_label)
def test_anonymous_visitors_are_sent_to_the_login_page(route, world):
    url = route.url(plain_values(fill(route, world)))
    anonymous = Client()
    for response in (anonymous.get(url), anonymous.post(url)):
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/login/"), (url, response["Location"])


@pytest.mark.parametrize("route", REFERENCE_ROUTES, ids=_label)
def test_another_user_gets_404_for_the_owners_objects(route, world, owner_browser, intruder_browser):
    filled = fill(route, world)
    assert any(isinstance(value, Owned) for value in filled.values())
    url = route.url(plain_values(filled))

    # A method the view does not accept (405) says nothing about the object; at least one must be 404.
    intruder_get = intruder_browser.get(url)
    # A real file, so that an upload URL reaches Quipu instead of stopping at form validation.
    upload = SimpleUploadedFile("receipt.pdf", PDF_BYTES, content_type="application/pdf")
    intruder_post = intruder_browser.post(url, {"confirm": "yes", "file": upload})
    statuses = (intruder_get.status_code, intruder_post.status_code)
    assert set(statuses) <= {404, 405}, f"{route.label} {url}: another user got {statuses}"
    assert 404 in statuses, f"{route.label} {url}: another user got {statuses}"

    # The same URL works for its owner, so the 404 above is about ownership, not a bad filler.
    owner_get = owner_browser.get(url)
    assert owner_get.status_code != 404, f"{route.label} {url}: the owner got 404 too; fix the filler"


def test_every_page_of_a_client_carries_the_client_in_its_url():
    client_namespaces = {label.split(":")[0] for label in (route.label for route in ROUTES) if ":" in label}
    client_namespaces -= {
        "connections",
        "core",
        "audit",
        "quarter_review",
    }  # quarter_review: every client at once
    for route in ROUTES:
        if route.namespace in client_namespaces:
            assert route.arguments[0] == CLIENT_ARGUMENT, route.label
    assert {"jobs:detail", "jobs:undo", "pdfs:bundle-file", "invoices:bulk-delete"} <= {
        route.label for route in PORTAL_ROW_ROUTES
    }


@pytest.mark.parametrize("route", PORTAL_ROW_ROUTES, ids=_label)
def test_a_job_or_download_of_one_client_is_404_under_another_clients_url(route, world, owner_browser):
    """Two tabs on two clients: a job (or PDF download) of client A asked for under client B's URL."""
    values = plain_values(fill(route, world))
    under_other_client = route.url({**values, CLIENT_ARGUMENT: world.owner_other_connection.pk})

    statuses = (
        owner_browser.get(under_other_client).status_code,
        owner_browser.post(under_other_client).status_code,
    )
    assert set(statuses) <= {404, 405}, f"{route.label} {under_other_client}: got {statuses}"
    assert 404 in statuses, f"{route.label} {under_other_client}: got {statuses}"
    # Under its own client the same row opens.
    assert owner_browser.get(route.url(values)).status_code != 404, route.label


@pytest.mark.parametrize("route", all_routes(), ids=_label)
def test_posts_without_a_csrf_token_are_refused(route, world):
    filled = fill(route, world) if not route.is_admin else _admin_values(route, world)
    url = route.url(plain_values(filled) if not route.is_admin else filled)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.owner)
    assert not getattr(route.callback, "csrf_exempt", False), f"{route.label} is csrf_exempt"
    response = browser.post(url, {"confirm": "1"})
    assert response.status_code == 403, (url, response.status_code)


ADMIN_ROUTES = [route for route in all_routes() if route.is_admin and route.label not in PUBLIC_URL_NAMES]


def _admin_values(route, world) -> dict:
    values = {}
    for argument in route.arguments:
        if argument == "app_label":
            values[argument] = "auth"
        elif argument in ("object_id", "id"):
            values[argument] = str(world.owner.pk)
        elif argument == "content_type_id":
            values[argument] = ContentType.objects.get_for_model(type(world.owner)).pk
        elif argument == "url":
            values[argument] = "auth/user/"
        else:
            pytest.fail(f"The admin URL {route.label} takes {argument!r}: teach _admin_values to fill it.")
    return values


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=_label)
def test_the_admin_site_is_closed_to_accountants_who_are_not_staff(route, world, intruder_browser):
    url = route.url(_admin_values(route, world))
    response = intruder_browser.get(url, follow=True)
    if response.status_code in (404, 405):
        return
    assert response.status_code == 200, (url, response.status_code)
    final_path = response.redirect_chain[-1][0].split("?")[0] if response.redirect_chain else url
    assert final_path in ("/admin/login/", "/login/"), (url, response.redirect_chain)
