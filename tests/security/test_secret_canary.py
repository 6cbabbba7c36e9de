"""The app secret and the access token never leave memory: after a connection is added through gunicorn
and a category change and a PDF bundle run through a real cluster, neither is found in any process's
log output (at DEBUG), in the cache's entries (the shared token included), nor in a database dump
(job rows, their items' errors, the change log, django-q's tasks).
"""

import base64
import collections
import html
import logging
import pickle
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection as database
from django.test import Client
from django.urls import reverse

from quipu_portal.bulk_categories.changes import CategoryChange
from quipu_portal.bulk_categories.services import bulk_categories_preview, bulk_categories_selection
from quipu_portal.connections.models import Connection
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.core.services import user_language_set
from quipu_portal.jobs.models import Job, JobItem
from quipu_portal.jobs.services import job_start
from quipu_portal.pdfs.models import BundleFormat
from quipu_portal.pdfs.services import bundle_create, bundle_documents_of
from quipu_portal.quipu.auth import TokenCache
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.selection import selection_list_page
from tests.connections.test_connection_secrets import plain_sql_dump
from tests.faults.test_faults import ROOT, Cluster, _cluster_env

DOCUMENTS = 8
DEADLINE = 120.0
LOGGING_EVERYTHING = {"LOG_LEVEL": "DEBUG"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn quipu_portal.wsgi`` on the test's database, logging everything to one file."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "quipu_portal.wsgi:application",
                "--bind",
                urlsplit(self.url).netloc,
                "--workers",
                "2",
                "--threads",
                "2",
                "--access-logfile",
                "-",
                "--log-level",
                "debug",
            ],
            cwd=ROOT,
            env=_cluster_env(**LOGGING_EVERYTHING),
            stdin=subprocess.DEVNULL,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{self.url}/accounts/login/", timeout=30)
                return
            except requests.RequestException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise AssertionError(f"gunicorn did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _browser_for(user, base_url: str) -> requests.Session:
    """A browser signed in as ``user`` on gunicorn (the session is stored in the shared database)."""
    signed_in = Client()
    signed_in.force_login(user)
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, signed_in.cookies[settings.SESSION_COOKIE_NAME].value)
    browser.headers["Referer"] = base_url + "/"
    return browser


def _csrf_post(browser, url: str, data: dict, *, form_page: str | None = None) -> requests.Response:
    """POST as the form on ``form_page`` (``url`` itself unless given) would, with its CSRF token."""
    page = browser.get(form_page or url, timeout=30)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, (page.status_code, page.url, page.text[:3000])
    token = found[1]
    return browser.post(url, {**data, "csrfmiddlewaretoken": html.unescape(token)}, timeout=60)


def cache_entries() -> list[str]:
    """Every entry of the cache, decoded (the database cache stores base64 pickles, Redis pickles)."""
    entries = []
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        store = cache._cache.get_client()
        for key in store.scan_iter():
            raw = store.dump(key) if store.type(key) != b"string" else store.get(key)
            try:
                value = pickle.loads(raw)  # noqa: S301 - our own cache's values
            except Exception:
                value = raw
            entries.append(f"{key!r} {value!r}")
        return entries
    table = settings.CACHES["default"]["LOCATION"]
    with database.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {database.ops.quote_name(table)}")  # noqa: S608
        for key, value in cursor.fetchall():
            decoded = pickle.loads(base64.b64decode(value))  # noqa: S301 - our own cache's values
            entries.append(f"{key} {decoded!r}")
    return entries


def forms_of(secret: str) -> list[str]:
    """The secret as it could leak: plain, and inside an HTTP Basic header or as hex."""
    return [secret, secret.encode().hex()]


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_no_secret_or_token_in_logs_cache_or_database_after_a_job_run(
    sandbox, user, settings, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    settings.MEDIA_ROOT = str(tmp_path / "files")
    account = sandbox.create_account("Canario S.L.", seed="small")
    secret = account["app_secret"]
    basic = base64.b64encode(f"{account['app_id']}:{secret}".encode()).decode()
    user_language_set(user=user, language="en")
    reverse("core:home")  # the resource apps register themselves when the URLs load

    cluster = web = None
    try:
        cluster = Cluster(tmp_path / "qcluster.log", urlsplit(sandbox.base_url).port, **LOGGING_EVERYTHING)
        web = Gunicorn(tmp_path / "gunicorn.log")
        # The accountant adds the connection and tests it through gunicorn: the secret crosses the web process.
        browser = _browser_for(user, web.url)
        added = _csrf_post(
            browser,
            f"{web.url}{reverse('connections:add')}",
            {
                "name": account["name"],
                "base_url": sandbox.base_url,
                "app_id": account["app_id"],
                "app_secret": secret,
            },
        )
        assert added.status_code == 200 and account["name"] in added.text
        connection = Connection.objects.get(owner=user)
        tested = _csrf_post(
            browser,
            f"{web.url}{reverse('connections:test', args=[connection.pk])}",
            {},
            form_page=f"{web.url}{reverse('connections:list')}",
        )
        assert tested.status_code == 200

        # A category change and a PDF bundle, run by the cluster.
        quipu = client_for(connection)
        selection = bulk_categories_selection(namespace="invoices", query="kind=income", ids=None)
        invoices = selection_list_page(client=quipu, selection=selection, page=1).records[:DOCUMENTS]
        used = collections.Counter(getattr(r.accounting_category, "id", None) for r in invoices)
        target = min(
            (c for c in reference_data(quipu).accounting_categories if c.kind == "income"),
            key=lambda category: (used.get(category.id, 0), category.id),
        )
        bulk = bulk_categories_preview(
            owner=user,
            connection=connection,
            client=quipu,
            selection=bulk_categories_selection(
                namespace="invoices", query="kind=income", ids=[r.id for r in invoices]
            ),
            change=CategoryChange(scope="document", category_id=target.id, category_kind="income"),
            title="Canary change",
        )
        cluster.wait_until_running()
        job_start(job=bulk)
        documents, _without_pdf = bundle_documents_of(invoices)
        bundle = bundle_create(
            owner=user, connection=connection, documents=documents, format=BundleFormat.ZIP, title="Canary"
        )
        # Pages meanwhile, through gunicorn; one token expiry makes every process fetch a new one.
        sandbox.expire_tokens(account["app_id"])
        pages = [
            connection_reverse("invoices:list", connection=connection),
            connection_reverse("invoices:detail", args=[invoices[0].id], connection=connection),
            connection_reverse("pdfs:download", args=["invoices", invoices[0].id], connection=connection),
            connection_reverse("jobs:detail", args=[bulk.pk], connection=connection),
            connection_reverse("pdfs:bundle", args=[bundle.pk], connection=connection),
        ]
        started = time.monotonic()
        while not all(job.is_done for job in Job.objects.filter(pk__in=[bulk.pk, bundle.job_id])):
            for page in pages:
                assert browser.get(f"{web.url}{page}", timeout=60).status_code == 200, page
            assert time.monotonic() - started < DEADLINE, cluster.log()
            time.sleep(0.5)
        assert (
            browser.get(
                f"{web.url}{connection_reverse('pdfs:bundle-file', args=[bundle.pk], connection=connection)}"
            ).content[:2]
            == b"PK"
        )
    finally:
        for process in (web, cluster):
            if process is not None:
                process.stop()

    token = TokenCache(quipu.credentials).get()
    assert token is not None and len(token.access_token) >= 32  # the token every process used last
    bulk.refresh_from_db()
    assert bulk.changed_count > 0 and Job.objects.get(pk=bundle.job_id).changed_count == len(documents)
    logs = {
        "cluster": cluster.log_path.read_text(errors="replace"),
        "gunicorn": web.log(),
        "test process": caplog.text,
    }
    assert "quipu PATCH /invoices/" in logs["cluster"] and "quipu GET /invoices/" in logs["gunicorn"]
    places = {
        **logs,
        "cache": "\n".join(cache_entries()),
        "database": plain_sql_dump(),
        "jobs": repr(list(Job.objects.values())),
        "job items": repr(list(JobItem.objects.values("error", "before", "after", "label"))),
    }
    assert "quipu_portal:token:" in places["cache"]  # the shared token is there, sealed
    for name, text in places.items():
        for leak in (*forms_of(secret), basic, *forms_of(token.access_token)):
            assert leak not in text, f"{leak[:6]}… found in the {name}"
