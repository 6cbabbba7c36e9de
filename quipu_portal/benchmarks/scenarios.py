"""The seven benchmark scenarios. Each runs in its own process (see ``benchmark_scenario``) against a
sandbox the ``benchmark`` command started, and returns a flat dict of figures."""

import collections
import logging
import os
import random
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import requests
from django.db import connection as database
from django.db import reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quipu_portal.benchmarks.harness import (
    MemorySampler,
    account_counts,
    browser_for,
    counts_since,
    gunicorn,
    milliseconds,
    portal_user,
    qcluster,
    spread_ms,
    wait_for_job,
)
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import client_for
from quipu_portal.quipu.client import Priority
from quipu_portal.quipu.config import RateLimit
from quipu_portal.quipu.refdata import reference_data


@dataclass(frozen=True)
class Options:
    quick: bool = False
    documents: int = 500


def _rate() -> RateLimit:
    return RateLimit.from_settings()


def _set_sandbox_rate(sandbox, account: dict) -> None:
    """The sandbox enforces for this account exactly the limit the portal processes were told."""
    rate = _rate()
    sandbox.set_rate(rate.limit, rate.window, app_id=account["app_id"])


# Bulk re-categorisation (scenarios 1, 2 and 3) ----------------------------------------------------------


def _bulk_job(*, user, connection, count: int, offset: int = 0):
    """A draft job moving ``count`` income invoices (after the first ``offset`` of the list) to an
    income category none of them has yet."""
    from quipu_portal.bulk_categories.changes import CategoryChange
    from quipu_portal.bulk_categories.services import bulk_categories_preview, bulk_categories_selection
    from quipu_portal.jobs.services import job_run_chunk
    from quipu_portal.resource_admin.selection import selection_list_page

    # Setting up is not measured: read without the page-view wait limit.
    client = client_for(connection, priority=Priority.BACKGROUND)
    selection = bulk_categories_selection(namespace="invoices", query="kind=income", ids=None)
    records = []
    number = 1
    while len(records) < offset + count:
        page = selection_list_page(client=client, selection=selection, page=number)
        records += page.records[: offset + count - len(records)]
        if number >= page.total_pages:
            break
        number += 1
    records = records[offset:]
    if len(records) < count:
        raise RuntimeError(f"the sandbox account has only {len(records)} income invoices, {count} wanted")
    used = collections.Counter(getattr(record.accounting_category, "id", None) for record in records)
    candidates = [
        category
        for category in reference_data(client).accounting_categories
        if category.kind == "income" and category.active is not False
    ]
    target = min(candidates, key=lambda category: (used.get(category.id, 0), category.id))
    change = CategoryChange(scope="document", category_id=target.id, category_kind="income")
    job = bulk_categories_preview(
        owner=user,
        connection=connection,
        client=client,
        selection=replace(selection, ids=[record.id for record in records]),
        change=change,
        title=f"Benchmark: {count} invoices to {target.name}",
    )
    while job.status == "preparing":  # more pages than a page view reads: read the rest here
        job_run_chunk(job_id=job.pk)
        job.refresh_from_db()
    return job


def _run_job(job, *, sandbox, account, timeout: float):
    """Start the job as the Start button does; its wall time runs from the click to its ``finished_at``."""
    from quipu_portal.jobs.services import job_start

    before = account_counts(sandbox, [account["app_id"]])
    clicked = timezone.now()
    job_start(job=job)
    job, wall = wait_for_job(job.pk, timeout=timeout, since=clicked)
    spent = counts_since(before, account_counts(sandbox, [account["app_id"]]))
    return job, wall, spent


def _bulk_figures(job, wall: float, spent: dict, documents: int) -> dict:
    rate = _rate()
    per_second = rate.limit / rate.window
    changed = job.changed_count
    # From the runner's first step to the job's end: the client's work, without the broker's pick-up.
    running = (
        (job.finished_at - job.started_at).total_seconds() if job.started_at and job.finished_at else wall
    )
    return {
        "documents": documents,
        "job_status": job.status,
        "changed": changed,
        "skipped": job.skipped_count,
        "failed": job.failed_count,
        "wall_seconds": round(wall, 2),
        "running_seconds": round(running, 2),
        "queue_wait_seconds": round(max(wall - running, 0.0), 2),
        "requests": spent["requests"],
        "requests_per_changed_document": round(spent["requests"] / changed, 3) if changed else None,
        "achieved_requests_per_second": round(spent["requests"] / running, 2) if running else None,
        "limit": f"{rate.limit}/{rate.window:g}s",
        "limit_requests_per_second": round(per_second, 3),
        "ratio_of_limit": round(spent["requests"] / running / per_second, 3) if running else None,
        "ratio_of_limit_from_start_click": round(spent["requests"] / wall / per_second, 3) if wall else None,
        "status_429": spent["status_429"],
        "over_limit": spent["over_limit"],
    }


def scenario_bulk_raised_limit(*, sandbox, accounts, options: Options) -> dict:
    """1. Bulk re-categorisation with the limit raised: the client's own overhead shows."""
    account = accounts["large"]
    _set_sandbox_rate(sandbox, account)
    count = 100 if options.quick else options.documents
    user, connection = portal_user(username="bulk-raised", sandbox=sandbox, account=account)
    job = _bulk_job(user=user, connection=connection, count=count)
    with qcluster():
        job, wall, spent = _run_job(job, sandbox=sandbox, account=account, timeout=600)
    return _bulk_figures(job, wall, spent, count)


def _real_limit_job(sandbox, *, name: str, username: str, count: int):
    """A new account at Quipu's own limit and a draft job of ``count`` of its invoices; returns once
    the preview's reads have left the budget's window, so the job starts with a clean budget."""
    account = sandbox.create_account(name, seed="demo")
    _set_sandbox_rate(sandbox, account)
    user, connection = portal_user(username=username, sandbox=sandbox, account=account)
    job = _bulk_job(user=user, connection=connection, count=count)
    time.sleep(_rate().window)
    return account, user, job


def scenario_bulk_real_limit(*, sandbox, accounts, options: Options) -> dict:
    """2. The same at Quipu's limit: wall time against the floor of one request per second."""
    count = 20 if options.quick else 60
    account, _user, job = _real_limit_job(
        sandbox, name="Benchmark real limit S.L.", username="bulk-real", count=count
    )
    with qcluster():
        job, wall, spent = _run_job(job, sandbox=sandbox, account=account, timeout=600)
    figures = _bulk_figures(job, wall, spent, count)
    floor = count * 1.0
    figures.update(floor_seconds=floor, wall_over_floor=round(wall / floor, 3))
    return figures


class _RateWaits(logging.Handler):
    """Collects the rate-budget waits the client logs for interactive requests of this thread."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.thread = threading.get_ident()
        self.waits: list[float] = []

    def emit(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        if record.thread == self.thread and len(args) >= 7 and args[6] == "interactive":
            self.waits.append(float(args[4]))


def scenario_pages_during_job(*, sandbox, accounts, options: Options) -> dict:
    """3. List and detail pages on the connection a bulk job is using, at Quipu's limit."""
    count = 30 if options.quick else 60
    account, user, job = _real_limit_job(
        sandbox, name="Benchmark pages during a job S.L.", username="pages-during-job", count=count
    )
    connection = job.connection
    browser = browser_for(user)
    detail_ids = list(job.items.values_list("document_id", flat=True)[:10])

    client_logger = logging.getLogger("quipu_portal.quipu.client")
    waits = _RateWaits()
    client_logger.addHandler(waits)
    client_logger.setLevel(logging.INFO)
    client_logger.propagate = False
    samples = {"list": [], "detail": []}
    statuses = collections.Counter()
    from quipu_portal.jobs.models import Job
    from quipu_portal.jobs.services import job_start

    try:
        with qcluster():
            before = account_counts(sandbox, [account["app_id"]])
            started = time.monotonic()
            job_start(job=job)
            time.sleep(3)  # let the job take its share of the budget first
            turn = 0
            while Job.objects.get(pk=job.pk).is_active:
                kind = "list" if turn % 2 == 0 else "detail"
                url = (
                    connection_reverse("invoices:list", connection=connection) + f"?page={1 + turn % 3}"
                    if kind == "list"
                    else connection_reverse(
                        "invoices:detail", args=[detail_ids[turn % len(detail_ids)]], connection=connection
                    )
                )
                waits.waits.clear()
                page_started = time.monotonic()
                response = browser.get(url)
                elapsed = time.monotonic() - page_started
                statuses[response.status_code] += 1
                samples[kind].append((elapsed, sum(waits.waits), response.status_code))
                turn += 1
                time.sleep(1.0)  # a person reading the page
            job, _wall = wait_for_job(job.pk, timeout=600)
            job_wall = time.monotonic() - started
            spent = counts_since(before, account_counts(sandbox, [account["app_id"]]))
    finally:
        client_logger.removeHandler(waits)
        client_logger.propagate = True

    figures = {
        "job_documents": count,
        "job_changed": job.changed_count,
        "job_wall_seconds": round(job_wall, 1),
    }
    for kind, rows in samples.items():
        figures[f"{kind}_pages"] = len(rows)
        figures.update(
            {
                f"{kind}_server_{key}": value
                for key, value in spread_ms([r[0] for r in rows], (50, 95)).items()
            }
        )
        figures.update(
            {f"{kind}_wait_{key}": value for key, value in spread_ms([r[1] for r in rows], (50, 95)).items()}
        )
        figures[f"{kind}_refused_busy"] = sum(1 for row in rows if row[2] == 503)
    figures.update(
        status_counts=dict(statuses),
        status_429=spent["status_429"],
        over_limit=spent["over_limit"],
    )
    return figures


# Page overhead (scenario 4) -------------------------------------------------------------------------


def scenario_page_overhead(*, sandbox, accounts, options: Options) -> dict:
    """4. List and detail pages with the sandbox answering at once: the portal's own cost."""
    account = sandbox.create_account("Benchmark pages S.L.", seed="small")
    _set_sandbox_rate(sandbox, account)
    user, _connection = portal_user(username="page-overhead", sandbox=sandbox, account=account)
    browser = browser_for(user)
    count = 100 if options.quick else 500
    list_url = connection_reverse("invoices:list", connection=_connection)
    first = browser.get(list_url)
    ids = re.findall(r'href="/c/\d+/invoices/(\d+)/"', first.content.decode())
    if not ids:
        raise RuntimeError("the invoice list shows no invoices")
    for warm in range(5):
        browser.get(
            connection_reverse("invoices:detail", args=[ids[warm % len(ids)]], connection=_connection)
        )

    figures = {"requests_per_page_kind": count}
    for kind in ("list", "detail"):
        times, queries, statuses = [], [], collections.Counter()
        before = account_counts(sandbox, [account["app_id"]])
        for index in range(count):
            url = (
                list_url + f"?page={1 + index % 3}"
                if kind == "list"
                else connection_reverse(
                    "invoices:detail", args=[ids[index % len(ids)]], connection=_connection
                )
            )
            reset_queries()  # the query log holds 9,000 entries: past that, captures read empty
            with CaptureQueriesContext(database) as captured:
                started = time.perf_counter()
                response = browser.get(url)
                times.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
            statuses[response.status_code] += 1
        spent = counts_since(before, account_counts(sandbox, [account["app_id"]]))
        figures.update({f"{kind}_{key}": value for key, value in spread_ms(times).items()})
        figures[f"{kind}_queries_per_page"] = sorted(queries)[len(queries) // 2]
        figures[f"{kind}_quipu_requests_per_page"] = round(spent["requests"] / count, 2)
        figures[f"{kind}_statuses"] = dict(statuses)
    return figures


# ZIP of PDFs (scenario 5) ----------------------------------------------------------------------------------


def scenario_pdf_zip(*, sandbox, accounts, options: Options) -> dict:
    """5. 1,000 invoice PDFs of a scanned invoice's size (~200 KB), as a ZIP and as one merged PDF:
    wall time against the floor, and the worker's peak memory for each."""
    from quipu_portal.pdfs.models import Bundle, BundleFormat
    from quipu_portal.pdfs.services import bundle_create, bundle_documents_of
    from quipu_portal.resource_admin.registry import REGISTRY
    from quipu_portal.resource_admin.selection import selection_from_query, selection_list_page

    account = accounts["large"]
    _set_sandbox_rate(sandbox, account)
    count = 200 if options.quick else 1000
    user, connection = portal_user(username="pdf-zip", sandbox=sandbox, account=account)
    reverse("core:home")  # the resource apps register themselves when the URLs load
    client = client_for(connection)
    selection = selection_from_query(admin=REGISTRY["invoices"], query="", ids=None)
    documents, number = [], 1
    while len(documents) < count:
        page = selection_list_page(client=client, selection=selection, page=number)
        documents += bundle_documents_of(page.records)[0]
        if number >= page.total_pages:
            break
        number += 1
    documents = documents[:count]
    if len(documents) < count:
        raise RuntimeError(
            f"the sandbox account has only {len(documents)} invoices with a PDF, {count} wanted"
        )
    time.sleep(_rate().window)
    rate = _rate()
    floor = count / (rate.limit / rate.window)
    figures = {"pdfs": count, "limit": f"{rate.limit}/{rate.window:g}s", "floor_seconds": round(floor, 2)}
    with qcluster() as cluster:
        for format, label in ((BundleFormat.ZIP, "zip"), (BundleFormat.MERGED, "merged")):
            with MemorySampler(cluster.pid) as memory:
                time.sleep(1.0)
                idle_worker = memory.peak_worker_bytes
                before = account_counts(sandbox, [account["app_id"]])
                started = time.monotonic()
                bundle = bundle_create(
                    owner=user, connection=connection, documents=documents, format=format, title=label
                )
                job, _ = wait_for_job(bundle.job_id, timeout=900)
                wall = time.monotonic() - started
                spent = counts_since(before, account_counts(sandbox, [account["app_id"]]))
            bundle = Bundle.objects.get(pk=bundle.pk)
            figures.update(
                {
                    f"{label}_job_status": job.status,
                    f"{label}_pdfs_in_file": bundle.pdf_count,
                    f"{label}_failed": bundle.failed_count,
                    f"{label}_file_mb": round((bundle.file_size or 0) / 2**20, 1),
                    f"{label}_wall_seconds": round(wall, 2),
                    f"{label}_wall_over_floor": round(wall / floor, 3),
                    f"{label}_requests": spent["requests"],
                    f"{label}_status_429": spent["status_429"],
                    f"{label}_over_limit": spent["over_limit"],
                    f"{label}_worker_peak_memory_mb": round(memory.peak_worker_bytes / 2**20, 1),
                    f"{label}_worker_idle_memory_mb": round(idle_worker / 2**20, 1),
                    f"{label}_cluster_peak_memory_mb": round(memory.peak_total_bytes / 2**20, 1),
                }
            )
    return figures


# Load (scenario 6) ----------------------------------------------------------------------------------------


LOAD_LISTS = ("invoices", "simplified_invoices", "tickets", "paysheets", "additional_income", "book_entries")
DETAIL_LINK = re.compile(
    r'href="(/c/\d+/(?:invoices|simplified-invoices|tickets|paysheets|additional-income)/\d+/)"'
)


def _simulated_user(
    base_url: str, session_id: str, connection_id: int, deadline: float, seed: int, results: list, lock
) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    session.cookies.set("sessionid", session_id, domain="127.0.0.1")

    def visit(kind: str, url: str) -> str:
        # Like the browser: a page refused as busy (503) tries again by itself a few seconds later.
        for _attempt in range(3):
            started = time.monotonic()
            try:
                response = session.get(base_url + url, timeout=60)
                status, body = response.status_code, response.text
            except requests.RequestException:
                status, body = 0, ""
            with lock:
                results.append((kind, status, time.monotonic() - started))
            if status != 503 or time.monotonic() > deadline:
                return body
            time.sleep(float(response.headers.get("Retry-After") or 5))
        return body

    while time.monotonic() < deadline:
        namespace = rng.choice(LOAD_LISTS)
        body = visit(
            "list",
            connection_reverse(f"{namespace}:list", connection=connection_id) + f"?page={rng.randint(1, 2)}",
        )
        links = DETAIL_LINK.findall(body)
        time.sleep(rng.uniform(0.5, 1.5))
        if links and time.monotonic() < deadline:
            visit("detail", rng.choice(links))
            time.sleep(rng.uniform(0.5, 1.5))


def _open_until_shown(browser, urls: list[str], tries: int = 3) -> int:
    """Open each page until it is shown, waiting as the "busy" page does before it tries again;
    returns the attempts it took."""
    attempts = 0
    for url in urls:
        for _ in range(tries):
            attempts += 1
            if browser.get(url).status_code == 200:
                break
            time.sleep(_rate().window + 1)
    return attempts


def _cold_page_statuses(browser, url: str, tries: int = 3) -> list[int]:
    """A list page on a connection nobody has opened yet, retried as the busy page does."""
    statuses = []
    for _ in range(tries):
        statuses.append(browser.get(url).status_code)
        if statuses[-1] == 200:
            break
        time.sleep(_rate().window + 1)
    return statuses


def scenario_load(*, sandbox, accounts, options: Options) -> dict:
    """6. 20 simulated users on 5 connections through gunicorn, at Quipu's limit."""
    users_count, connections_count = 20, 5
    seconds = 20 if options.quick else 60
    sandbox_accounts = [
        sandbox.create_account(f"Benchmark load {n} S.L.", seed="small") for n in range(connections_count)
    ]
    for account in sandbox_accounts:
        _set_sandbox_rate(sandbox, account)
    sessions, warm_up_tries = [], []
    for number in range(users_count):
        user, _connection = portal_user(
            username=f"load-{number}", sandbox=sandbox, account=sandbox_accounts[number % connections_count]
        )
        browser = browser_for(user)
        sessions.append((browser.cookies["sessionid"].value, _connection.pk))
        if number == 0:
            cold_statuses = _cold_page_statuses(
                browser, connection_reverse("invoices:list", connection=_connection)
            )
        if number < connections_count:
            # Steady state: each connection's reference data is read once before the load (a cold
            # page needs more requests than one page view may wait for; see docs/benchmarks.md).
            reference_data(client_for(_connection, priority=Priority.BACKGROUND))
            warm_up_tries.append(
                _open_until_shown(browser, [connection_reverse("invoices:list", connection=_connection)])
            )
    app_ids = [account["app_id"] for account in sandbox_accounts]
    time.sleep(_rate().window)

    results: list = []
    lock = threading.Lock()
    with gunicorn(workers=2, threads=12) as base_url:
        before = account_counts(sandbox, app_ids)
        started = time.monotonic()
        deadline = started + seconds
        threads = [
            threading.Thread(
                target=_simulated_user,
                args=(base_url, session, connection_id, deadline, number, results, lock),
            )
            for number, (session, connection_id) in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        spent = counts_since(before, account_counts(sandbox, app_ids))
    statuses = collections.Counter(status for _kind, status, _elapsed in results)
    ok = [elapsed for _kind, status, elapsed in results if status == 200]
    rate = _rate()
    budget = connections_count * rate.limit / rate.window * wall
    return {
        "users": users_count,
        "cold_list_page_statuses": cold_statuses,
        "warm_up_attempts_per_connection": warm_up_tries,
        "connections": connections_count,
        "seconds": round(wall, 1),
        "pages": len(results),
        "throughput_pages_per_second": round(len(results) / wall, 2),
        "ok_pages": len(ok),
        **{f"ok_{key}": value for key, value in spread_ms(ok, (50, 95)).items()},
        "all_p95_ms": milliseconds(
            sorted(elapsed for *_rest, elapsed in results)[int(0.95 * (len(results) - 1))]
            if results
            else None
        ),
        "errors": sum(
            count for status, count in statuses.items() if status == 0 or (status >= 500 and status != 503)
        ),
        "refused_busy_503": statuses.get(503, 0),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "quipu_requests": spent["requests"],
        "rate_budget_used": round(spent["requests"] / budget, 3) if budget else None,
        "status_429": spent["status_429"],
        "over_limit": spent["over_limit"],
    }


# Two clusters on two "machines" (scenario 7) -------------------------------------------------------------


def _machine_env(name: str, folder) -> dict:
    """What differs between two worker machines of one deployment: their own worker count and, when the
    database is a server (not SQLite in the data folder), their own local folder."""
    env = {"Q_WORKERS": "1"}
    if os.environ.get("DATABASE_URL"):
        machine_folder = folder / name
        machine_folder.mkdir(parents=True, exist_ok=True)
        env["QUIPU_DATA_DIR"] = str(machine_folder)
    return env


def _wait_until_running(job_id: int, timeout: float = 30) -> None:
    from quipu_portal.jobs.models import Job, JobStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Job.objects.filter(pk=job_id).exclude(status=JobStatus.PENDING).exists():
            return
        time.sleep(0.01)


def scenario_two_clusters(*, sandbox, accounts, options: Options) -> dict:
    """7. Two clusters, as on two machines, sharing the database, Redis and one connection: each runs
    one of two bulk jobs of the same connection at once; together they stay within its limit."""
    from quipu_portal.jobs.services import job_start

    account = accounts["large"]
    _set_sandbox_rate(sandbox, account)
    count = 100 if options.quick else max(options.documents // 2, 1)
    user, connection = portal_user(username="two-machines", sandbox=sandbox, account=account)
    jobs = [_bulk_job(user=user, connection=connection, count=count, offset=offset) for offset in (0, count)]
    time.sleep(_rate().window)
    folder = Path(os.environ.get("QUIPU_DATA_DIR", "."))
    with (
        qcluster(env=_machine_env("machine-a", folder), name="qcluster-machine-a"),
        qcluster(env=_machine_env("machine-b", folder), name="qcluster-machine-b"),
    ):
        before = account_counts(sandbox, [account["app_id"]])
        clicked = timezone.now()
        job_start(job=jobs[0])
        # The second once a worker runs the first, as a second user clicks Start a moment later: the
        # first cluster's only worker is then busy, so the other cluster takes it (with the Redis broker
        # certainly; the ORM broker's polling clusters may both pick from the queue).
        _wait_until_running(jobs[0].pk)
        job_start(job=jobs[1])
        done = [wait_for_job(job.pk, timeout=600, since=clicked)[0] for job in jobs]
        spent = counts_since(before, account_counts(sandbox, [account["app_id"]]))
    rate = _rate()
    per_second = rate.limit / rate.window
    wall = max((job.finished_at - clicked).total_seconds() for job in done)
    first, second = ((job.started_at, job.finished_at) for job in done)
    together = (min(first[1], second[1]) - max(first[0], second[0])).total_seconds()
    changed = sum(job.changed_count for job in done)
    return {
        "clusters": 2,
        "workers_per_cluster": 1,
        "jobs": len(done),
        "documents": 2 * count,
        "changed": changed,
        "failed": sum(job.failed_count for job in done),
        "jobs_ran_together_seconds": round(max(together, 0.0), 2),
        "wall_seconds": round(wall, 2),
        "requests": spent["requests"],
        "requests_per_changed_document": round(spent["requests"] / changed, 3) if changed else None,
        "limit": f"{rate.limit}/{rate.window:g}s",
        "ratio_of_limit_from_start_click": round(spent["requests"] / wall / per_second, 3) if wall else None,
        "status_429": spent["status_429"],
        "over_limit": spent["over_limit"],
    }


# Quarter scan (scenario 8) --------------------------------------------------------------------------------


def _quarter_client_filled(sandbox, number: int, documents: int) -> dict:
    """A new client account with ``documents`` expense tickets in 2026-Q2, written at a raised limit."""
    import datetime
    from decimal import Decimal

    from quipu_portal.quipu.client import QuipuClient
    from quipu_portal.quipu.config import QuipuCredentials
    from quipu_portal.quipu.records import ItemInput, RecordInput

    account = sandbox.create_account(f"Benchmark cliente {number} S.L.", seed="empty")
    sandbox.set_rate(100000, 1, app_id=account["app_id"])
    credentials = QuipuCredentials(sandbox.base_url, account["app_id"], account["app_secret"])
    with QuipuClient(credentials, priority=Priority.BACKGROUND, rate_limit=RateLimit(100000, 1)) as client:
        for n in range(documents):
            client.create(
                "simplified_invoices",
                RecordInput(
                    attributes={
                        "kind": "expenses",
                        "issue_date": datetime.date(2026, 4, 1) + datetime.timedelta(days=n % 90),
                        "issuing_name": f"Proveedor {n % 37}",
                    },
                    items=[
                        ItemInput(
                            attributes={
                                "concept": "Compra",
                                "unitary_amount": Decimal("12.50"),
                                "quantity": Decimal("1"),
                                "vat_percent": Decimal("21"),
                            }
                        )
                    ],
                ),
            )
    _set_sandbox_rate(sandbox, account)
    return account


def scenario_quarter_scan(*, sandbox, accounts, options: Options) -> dict:
    """7. "Scan all" of a quarter for many clients at Quipu's limit: each client's pages are read at
    one request per second of its own budget, the clients in parallel."""
    import math

    from quipu_portal.jobs.models import Job
    from quipu_portal.quarter_review.services import quarter_scan_all

    clients = 3 if options.quick else 10
    documents = 200 if options.quick else options.documents
    user = None
    app_ids = []
    for number in range(clients):
        account = _quarter_client_filled(sandbox, number, documents)
        app_ids.append(account["app_id"])
        if user is None:
            user, connection = portal_user(username="quarter-scan", sandbox=sandbox, account=account)
        else:
            from quipu_portal.connections.services import connection_create

            connection = connection_create(
                owner=user,
                name=account["name"],
                base_url=sandbox.base_url,
                app_id=account["app_id"],
                app_secret=account["app_secret"],
            )
        # Setting up is not measured: the token and the reference data are what any page view warms.
        with client_for(connection, priority=Priority.BACKGROUND) as client:
            reference_data(client)
    time.sleep(_rate().window)
    pages = math.ceil(documents / 100)
    with qcluster():
        before = account_counts(sandbox, app_ids)
        started = time.monotonic()
        jobs = quarter_scan_all(owner=user, year=2026, quarter=2)
        ids = [job.pk for job in jobs]
        while Job.objects.filter(pk__in=ids, finished_at__isnull=True).exists():
            if time.monotonic() - started > 600:
                raise RuntimeError("the quarter scans did not finish in 10 minutes")
            time.sleep(0.1)
        wall = time.monotonic() - started
        spent = counts_since(before, account_counts(sandbox, app_ids))
    statuses = collections.Counter(Job.objects.filter(pk__in=ids).values_list("status", flat=True))
    floor = pages / (_rate().limit / _rate().window)
    return {
        "clients": clients,
        "documents_per_client": documents,
        "pages_per_client": pages,
        "job_statuses": dict(statuses),
        "wall_seconds": round(wall, 2),
        "floor_seconds": round(floor, 2),
        "wall_over_floor": round(wall / floor, 3),
        "requests": spent["requests"],
        "status_429": spent["status_429"],
        "over_limit": spent["over_limit"],
    }


SCENARIOS = {
    1: ("bulk re-categorisation, raised limit", scenario_bulk_raised_limit),
    2: ("bulk re-categorisation, real limit", scenario_bulk_real_limit),
    3: ("pages while a bulk job runs", scenario_pages_during_job),
    4: ("list/detail server overhead", scenario_page_overhead),
    5: ("ZIP of PDFs", scenario_pdf_zip),
    6: ("load through gunicorn", scenario_load),
    7: ("two clusters on two machines, one connection", scenario_two_clusters),
    8: ("quarter scan of many clients, real limit", scenario_quarter_scan),
}

# The rate each scenario's processes and sandbox account use, and the margin that suits its window.
SCENARIO_RATES = {
    1: ("100/1s", "0.03"),
    2: ("5/5s", "0.15"),
    3: ("5/5s", "0.15"),
    4: ("10000/1s", "0.0"),
    5: ("100/1s", "0.03"),
    6: ("5/5s", "0.15"),
    7: ("100/1s", "0.03"),
    8: ("5/5s", "0.15"),
}
