"""Nothing is lost under faults: a bulk edit, a ZIP job and page views while the sandbox answers 10%
429s, 5% 5xx, drops 2% of connections and expires the token every 30 s, and two workers are killed.

A real django-q2 cluster (a subprocess on this test's database, on whichever broker the stack uses)
does the work; the test plays the accountant and checks Quipu's final state through a clean client.
"""

import collections
import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from django.conf import settings
from django.db import connection as database
from django.test import Client

from quipu_portal.audit.models import AuditEntry
from quipu_portal.bulk_categories.changes import CategoryChange
from quipu_portal.bulk_categories.services import bulk_categories_preview, bulk_categories_selection
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for, connection_create
from quipu_portal.core.services import user_language_set
from quipu_portal.files.services import generated_file_path
from quipu_portal.jobs.models import ItemState, Job, JobStatus
from quipu_portal.jobs.services import job_start
from quipu_portal.pdfs.models import Bundle, BundleFormat
from quipu_portal.pdfs.services import bundle_create, bundle_documents_of
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import selection_from_query, selection_list_page

ROOT = Path(__file__).resolve().parents[2]
BULK_DOCUMENTS = 40
ZIP_DOCUMENTS = 30
FAULTS = {"429": 0.10, "5xx": 0.05, "drop": 0.02, "latency": 0.08, "seed": 20261123}
TOKEN_EXPIRY_EVERY = 30.0
KILL_AFTER = (4.0, 10.0)
# A guard against a hang, not a speed target: alone the run takes about 45 s, but on two busy
# cores beside the other test worker a broker that lost a killed worker's task needs the sweeper.
DEADLINE = 300.0


def _cluster_env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        FAULTS_DATABASE_NAME=str(database.settings_dict["NAME"]),
        FAULTS_ENCRYPTION_KEYS=",".join(settings.QUIPU_ENCRYPTION_KEYS),
        FAULTS_CLUSTER_NAME=settings.Q_CLUSTER["name"],
        # The test's own folder for the bundles: PDFs left by an earlier run are never taken for new ones.
        FAULTS_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


class Cluster:
    """A qcluster subprocess. Its sentinel spawns the workers first, then the monitor and the pusher;
    workers spawned later replace dead ones."""

    def __init__(self, log_path: Path, sandbox_port: int, **env):
        self.log_path = log_path
        self.sandbox_port = sandbox_port
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "qcluster"],
            cwd=ROOT,
            env=_cluster_env(**env),
            stdin=subprocess.DEVNULL,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.helpers: set[int] = set()

    def _sentinel_children(self) -> list[psutil.Process]:
        sentinels = psutil.Process(self.process.pid).children()
        if not sentinels:
            return []
        return sorted(sentinels[0].children(), key=lambda process: process.create_time())

    def wait_until_running(self) -> None:
        workers = settings.Q_CLUSTER["workers"]
        deadline = time.monotonic() + 30
        while len(children := self._sentinel_children()) < workers + 2:
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.2)
        self.helpers = {process.pid for process in children[workers : workers + 2]}

    def kill_a_busy_worker(self) -> int:
        """SIGKILL a worker in the middle of a task (one using CPU right now).

        An idle worker waits inside the cluster's shared task queue holding its lock; killing it there
        leaves the lock taken and every other worker stuck (a property of multiprocessing queues, not
        of our jobs), so the suite kills workers that are busy, as a crash or the OOM killer would.
        Busy means using CPU: an open connection to the sandbox says nothing, since an idle worker keeps
        its kept-alive connections in the process's pool."""
        # A killed task comes back after the broker's retry time (20 s here): wait for work that long.
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            workers = [process for process in self._sentinel_children() if process.pid not in self.helpers]
            before = {process.pid: sum(process.cpu_times()[:2]) for process in workers}
            time.sleep(0.1)
            for process in workers:
                if sum(process.cpu_times()[:2]) - before[process.pid] >= 0.005:
                    process.send_signal(signal.SIGKILL)
                    return process.pid
        children = [(p.pid, p.status(), p.cpu_times()[:2]) for p in self._sentinel_children()]
        raise AssertionError(
            f"no worker was busy to be killed: {children} helpers={self.helpers}\n{self.log()}"
        )

    def stop(self) -> None:
        """SIGTERM to the main process only; if it hangs, kill the whole tree."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                child.kill()
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class TokenExpirer(threading.Thread):
    def __init__(self, sandbox, app_id: str):
        super().__init__(daemon=True)
        self.sandbox, self.app_id = sandbox, app_id
        self.stopped = threading.Event()
        self.expired = 0

    def run(self):
        # Once soon, so a short run sees an expiry in the middle, then every 30 s.
        delay = 8.0
        while not self.stopped.wait(delay):
            self.sandbox.expire_tokens(self.app_id)
            self.expired += 1
            delay = TOKEN_EXPIRY_EVERY


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return settings.MEDIA_ROOT


@pytest.fixture
def faulty_account(sandbox):
    account = sandbox.create_account("Averías S.L.", seed="demo")
    yield account
    sandbox.clear_faults(app_id=account["app_id"])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.serial
def test_nothing_is_lost_or_written_twice_under_faults_and_killed_workers(
    sandbox, faulty_account, user, tmp_path
):
    user_language_set(user=user, language="en")
    connection = connection_create(
        owner=user,
        name=faulty_account["name"],
        base_url=sandbox.base_url,
        app_id=faulty_account["app_id"],
        app_secret=faulty_account["app_secret"],
    )
    quipu = client_for(connection)
    connection_reverse(
        "invoices:list", connection=connection
    )  # the resource apps register themselves when the URLs load

    # The accountant's two requests, prepared while Quipu behaves.
    selection = bulk_categories_selection(namespace="invoices", query="kind=income", ids=None)
    invoices = selection_list_page(client=quipu, selection=selection, page=1).records[:BULK_DOCUMENTS]
    used = collections.Counter(getattr(record.accounting_category, "id", None) for record in invoices)
    target = min(
        (c for c in reference_data(quipu).accounting_categories if c.kind == "income"),
        key=lambda category: (used.get(category.id, 0), category.id),
    )
    change = CategoryChange(scope="document", category_id=target.id, category_kind="income")
    bulk = bulk_categories_preview(
        owner=user,
        connection=connection,
        client=quipu,
        selection=dataclasses.replace(selection, ids=[record.id for record in invoices]),
        change=change,
        title="Move to one category",
    )
    to_change = set(bulk.items.filter(state=ItemState.PENDING).values_list("document_id", flat=True))
    assert len(to_change) >= BULK_DOCUMENTS - used.get(target.id, 0) > 0
    every_invoice = selection_from_query(admin=REGISTRY["invoices"], query="", ids=None)
    documents, _without_pdf = bundle_documents_of(
        selection_list_page(client=quipu, selection=every_invoice, page=1).records
    )
    documents = documents[:ZIP_DOCUMENTS]
    assert len(documents) == ZIP_DOCUMENTS

    # Then Quipu misbehaves, and the work starts.
    sandbox.set_faults(app_id=faulty_account["app_id"], **FAULTS)
    expirer = TokenExpirer(sandbox, faulty_account["app_id"])
    cluster = Cluster(tmp_path / "qcluster.log", urlsplit(sandbox.base_url).port)
    page_statuses = collections.Counter()
    killed = []
    try:
        cluster.wait_until_running()
        expirer.start()
        started = time.monotonic()
        job_start(job=bulk)
        bundle = bundle_create(
            owner=user,
            connection=connection,
            documents=documents,
            format=BundleFormat.ZIP,
            title="Faulty ZIP",
        )
        browser = Client()
        browser.force_login(user)
        pages = [
            connection_reverse("invoices:list", connection=connection),
            connection_reverse("invoices:detail", args=[invoices[0].id], connection=connection),
            connection_reverse("jobs:list", connection=connection),
        ]
        turn = 0
        while True:
            elapsed = time.monotonic() - started
            if len(killed) < len(KILL_AFTER) and elapsed > KILL_AFTER[len(killed)]:
                killed.append(cluster.kill_a_busy_worker())
            response = browser.get(pages[turn % len(pages)])
            page_statuses[response.status_code] += 1
            turn += 1
            jobs = Job.objects.filter(pk__in=[bulk.pk, bundle.job_id])
            if len(killed) == len(KILL_AFTER) and all(job.is_done for job in jobs):
                break
            assert elapsed < DEADLINE, (
                [(j.kind, j.status, j.done_count, j.total) for j in jobs],
                cluster.log(),
            )
            time.sleep(0.5)
    finally:
        expirer.stopped.set()
        cluster.stop()
        sandbox.clear_faults(app_id=faulty_account["app_id"])

    assert len(killed) == 2
    assert expirer.expired >= 1
    assert 500 not in page_statuses, page_statuses
    assert page_statuses[200] > 0

    # The bulk edit: finished, counts that match its items, every document as intended, each logged once.
    bulk.refresh_from_db()
    states = collections.Counter(bulk.items.values_list("state", flat=True))
    assert bulk.status == JobStatus.FINISHED, (bulk.status, bulk.message)
    assert states[ItemState.PENDING] == 0 and states[ItemState.FAILED] == 0, states
    assert (bulk.changed_count, bulk.skipped_count, bulk.failed_count) == (
        states[ItemState.CHANGED],
        states[ItemState.SKIPPED],
        0,
    )
    assert bulk.total == BULK_DOCUMENTS
    changed = set(bulk.items.filter(state=ItemState.CHANGED).values_list("document_id", flat=True))
    assert changed == to_change
    for record in quipu.iterate("book_entries", filters={"type": "invoices", "kind": "income"}):
        if record.id in changed:
            assert getattr(record.accounting_category, "id", None) == target.id, record.id
    logged = collections.Counter(
        AuditEntry.objects.filter(job=bulk, field="accounting_category").values_list("document_id", flat=True)
    )
    assert set(logged) == changed
    assert max(logged.values()) == 1, [doc for doc, count in logged.items() if count > 1]

    # The ZIP: finished, one PDF per document, each complete, none twice.
    zip_job = Job.objects.get(pk=bundle.job_id)
    bundle = Bundle.objects.get(pk=bundle.pk)
    assert zip_job.status == JobStatus.FINISHED, (zip_job.status, zip_job.message)
    assert (zip_job.changed_count, zip_job.failed_count, zip_job.total) == (ZIP_DOCUMENTS, 0, ZIP_DOCUMENTS)
    assert bundle.pdf_count == ZIP_DOCUMENTS and bundle.failed_count == 0
    with zipfile.ZipFile(generated_file_path(generated=bundle)) as archive:
        pdfs = [name for name in archive.namelist() if name.lower().endswith(".pdf")]
        assert len(pdfs) == len(set(pdfs)) == ZIP_DOCUMENTS
        for name in pdfs:
            content = archive.read(name)
            assert content.startswith(b"%PDF") and b"%%EOF" in content[-1024:], name
