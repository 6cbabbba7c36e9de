"""Jobs: create, start, cancel, retry and run them; tell their progress.

The runner (``job_run_chunk``) is what a django-q task calls. It takes a lease on the job, processes
pending items (each finished in its own short transaction) for at most ``chunk_seconds``, gives the lease
back and enqueues itself again while items remain; a job that fits in one chunk is finished by the same
task, so a fast job pays for no hand-off through the broker. A duplicate delivery finds the lease taken and returns; a
worker that dies leaves a lease that expires, and the sweeper (``job_sweep``) enqueues the job again.
The job's own tables are the source of truth, never django-q's task table.
"""

import datetime
import enum
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quipu_portal.connections.crypto import ConnectionSecretError
from quipu_portal.connections.services import client_for
from quipu_portal.core.services import user_language_get
from quipu_portal.jobs.models import (
    ACTIVE_STATUSES,
    LEASED_STATUSES,
    UNCONFIRMED_STATUSES,
    ItemState,
    Job,
    JobItem,
    JobStatus,
)
from quipu_portal.jobs.queue import enqueue_run
from quipu_portal.jobs.registry import Outcome, Preparation, PreparationError, handler_for
from quipu_portal.quipu.client import Priority
from quipu_portal.quipu.config import RateLimit
from quipu_portal.quipu.errors import (
    QuipuAuthError,
    QuipuError,
    QuipuRateLimitedError,
    QuipuServerError,
    QuipuUnavailableError,
)

logger = logging.getLogger(__name__)

# An item that keeps failing with transient errors (5xx, no answer) is given up after this many tries.
MAX_ITEM_ATTEMPTS = 4
# Unexpected exceptions in a chunk before the whole job is marked failed.
MAX_CRASHES = 5
# Jobs nobody confirmed (or whose reading failed) are deleted after this long.
UNCONFIRMED_LIFETIME = datetime.timedelta(days=1)
TRANSIENT_ERRORS = (QuipuServerError, QuipuUnavailableError, QuipuRateLimitedError)
# How often a running chunk renews its lease, and so looks for a cancel.
RENEW_EVERY_SECONDS = 0.25
# Below this spacing of two sends (a raised limit) a chunk's items are shared by lanes (threads); a lane
# has at least this many items.
LANE_SPACING_SECONDS = 0.05
LANE_MIN_ITEMS = 20
# A chunk past its time that holds the job's last items and would finish them within this long does:
# handing a few seconds of work on costs a trip through the broker and a re-read of their pages.
FINISH_WITHIN_SECONDS = 10


def lease_seconds() -> float:
    return float(getattr(settings, "QUIPU_JOB_LEASE_SECONDS", 90))


def _fresh_lease() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=lease_seconds())


def chunk_seconds() -> float:
    """How long one task works on a job (each chunk re-reads its documents' pages once); well under
    django-q's task timeout."""
    return float(getattr(settings, "QUIPU_JOB_CHUNK_SECONDS", 60))


def chunk_size() -> int:
    """Items read from the database at a time; the chunk's time bound usually ends it first."""
    return int(getattr(settings, "QUIPU_JOB_CHUNK_SIZE", 1000))


# Reading ------------------------------------------------------------------------------------------


def job_list(*, owner: AbstractBaseUser) -> QuerySet[Job]:
    return (
        Job.objects.filter(owner=owner).exclude(status__in=UNCONFIRMED_STATUSES).select_related("connection")
    )


def job_get(*, owner: AbstractBaseUser, job_id: int | str, connection) -> Job:
    """The owner's job of this client (the one in the URL), or 404: another user's job, or a job of
    another client, reads exactly like a missing one."""
    try:
        return Job.objects.select_related("connection").get(
            owner=owner, connection=connection, pk=int(job_id)
        )
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404("No such job.") from None


def job_running_for(*, owner: AbstractBaseUser) -> QuerySet[Job]:
    return Job.objects.filter(owner=owner, status__in=ACTIVE_STATUSES).order_by("created_at")


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    changed: int
    skipped: int
    failed: int
    pending: int
    percent: int
    rate_per_minute: float | None
    eta_seconds: int | None


def job_progress(*, job: Job) -> Progress:
    done = job.done_count
    pending = max(job.total - done, 0)
    percent = 100 if job.total == 0 else math.floor(100 * done / job.total)
    rate = eta = None
    if job.started_at and job.processed_since_start:
        elapsed = max((timezone.now() - job.started_at).total_seconds(), 1.0)
        per_second = job.processed_since_start / elapsed
        rate = round(per_second * 60, 1)
        if job.is_active and per_second > 0:
            eta = math.ceil(pending / per_second)
    return Progress(
        job.total, done, job.changed_count, job.skipped_count, job.failed_count, pending, percent, rate, eta
    )


def job_estimate_seconds(*, requests: int) -> int:
    """How long ``requests`` take at the connection's rate budget, leaving one slot per window free
    for page views (the share background work gets, see quipu/budget.py)."""
    rate = RateLimit.from_settings()
    per_window = max(rate.limit - 1, 1)
    burst = per_window
    return max(0, math.ceil((requests - burst) * rate.window / per_window))


# Writing ------------------------------------------------------------------------------------------


def job_create(
    *,
    owner: AbstractBaseUser,
    connection,
    kind: str,
    title: str,
    params: dict,
    items: list[JobItem],
    undo_of: Job | None = None,
    preparing: dict | None = None,
) -> Job:
    """A draft job with its items; already-settled items (skipped at preview) are counted at once.
    ``kind`` must be registered (``LookupError`` otherwise).

    With ``preparing`` (where its handler's ``prepare`` carries on reading), the job first reads the
    rest of its items in a background task, then becomes a draft (or, for a kind that
    ``starts_when_prepared``, runs).
    """
    handler_for(kind)
    fields = {}
    if preparing is not None:
        params = {**params, "preparing": preparing}
        # Expected to be picked up: the sweeper steps in only after a whole lease.
        lease = _fresh_lease()
        fields = {"status": JobStatus.PREPARING, "lease_expires_at": lease}
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner,
            connection=connection,
            kind=kind,
            title=title[:200],
            params=params,
            undo_of=undo_of,
            **fields,
        )
        _items_add(job, items)
        _recount(job)
        if preparing is not None:
            _enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return job


def _items_add(job: Job, items: list[JobItem]) -> None:
    """Append items after the job's last; one already there (a listing that moved between two page
    reads shows a document twice) is kept as it was."""
    start = JobItem.objects.filter(job=job).count()
    for position, item in enumerate(items, start=start):
        item.job = job
        item.position = position
    JobItem.objects.bulk_create(items, batch_size=500, ignore_conflicts=True)


def job_discard(*, job: Job) -> None:
    """Delete a job nobody confirmed. The row is locked first, so a task still reading its items
    either stores its last step before or finds the job gone after."""
    with transaction.atomic():
        unconfirmed = Job.objects.filter(pk=job.pk, status__in=UNCONFIRMED_STATUSES)
        if unconfirmed.select_for_update().exists():
            unconfirmed.delete()


def job_prepare_again(*, job: Job) -> Job:
    """Carry on reading a job's items after reading failed, from where it stopped."""
    return _queue(
        job,
        Job.objects.filter(pk=job.pk, status=JobStatus.PREPARATION_FAILED),
        status=JobStatus.PREPARING,
        crash_count=0,
    )


def job_start(*, job: Job) -> Job:
    """Queue a draft (or re-queue a stopped) job; the task is sent once the transaction commits."""
    return _queue(
        job,
        Job.objects.filter(pk=job.pk).exclude(
            status__in=(*ACTIVE_STATUSES, JobStatus.PREPARING, JobStatus.PREPARATION_FAILED)
        ),
        status=JobStatus.PENDING,
        finished_at=None,
    )


def _queue(job: Job, queued: QuerySet[Job], **fields) -> Job:
    """Update ``job`` with ``fields`` when ``queued`` still finds it, and enqueue it once the
    transaction commits; it is expected to be picked up within a lease (then the sweeper steps in)."""
    with transaction.atomic():
        if queued.update(message="", lease_owner="", lease_expires_at=_fresh_lease(), **fields):
            _enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return job


def job_cancel(*, job: Job) -> Job:
    """Stop after the document being written now. A job that has not started stops at once."""
    Job.objects.filter(pk=job.pk, status__in=(JobStatus.PENDING, JobStatus.RUNNING)).update(
        status=JobStatus.CANCELLING
    )
    job.refresh_from_db()
    return job


def job_retry_failed(*, job: Job) -> Job:
    """Put the failed items back in the queue (and resume a cancelled job's pending ones)."""
    if job.is_active:
        return job
    with transaction.atomic():
        JobItem.objects.filter(job=job, state=ItemState.FAILED).update(
            state=ItemState.PENDING, error="", attempts=0
        )
        _recount(job)
        if JobItem.objects.filter(job=job, state=ItemState.PENDING).exists():
            Job.objects.filter(pk=job.pk).update(crash_count=0, processed_since_start=0, started_at=None)
            job_start(job=job)
    job.refresh_from_db()
    return job


def job_can_retry(job: Job) -> bool:
    return job.is_done and (job.failed_count > 0 or job.done_count < job.total)


def _recount(job: Job) -> None:
    counts = {state: 0 for state in ItemState.values}
    for row in JobItem.objects.filter(job=job).values("state").order_by().annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    Job.objects.filter(pk=job.pk).update(
        total=sum(counts.values()),
        changed_count=counts[ItemState.CHANGED],
        skipped_count=counts[ItemState.SKIPPED],
        failed_count=counts[ItemState.FAILED],
    )


def _enqueue_on_commit(job_id: int) -> None:
    transaction.on_commit(lambda: enqueue_run(job_id))


# The runner ---------------------------------------------------------------------------------------


def _lease_take(job_id: int, token: str) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status__in=LEASED_STATUSES)
        .filter(Q(lease_owner="") | Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(lease_owner=token, lease_expires_at=now + datetime.timedelta(seconds=lease_seconds()))
    )


def _lease_renew(job_id: int, token: str, tally: "_Tally | None" = None) -> bool:
    """Extend the lease while the job is still wanted: False when it is being cancelled or another
    task took the lease (the caller tells which apart, rarely). The counters of the items recorded
    since the last renewal ride along in the same write."""
    expires = _fresh_lease()
    renewed = bool(
        Job.objects.filter(pk=job_id, lease_owner=token)
        .exclude(status=JobStatus.CANCELLING)
        .update(lease_expires_at=expires, **(tally.take() if tally else {}))
    )
    if not renewed and tally is not None:
        tally.flush(job_id)
    return renewed


class _Tally:
    """The job's counters for the items a chunk recorded and has not written to the job row yet.

    Each item's own row (and its change-log entries) is written at once; the job's counters only every
    renewal (a quarter second), which spares a write per document. They are exact again at the end of
    every chunk, and a chunk that dies before writing them is made up for by the recount at the start
    of the next one and at the job's close."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def add(self, counter: str) -> None:
        self.counts[counter] = self.counts.get(counter, 0) + 1
        self.counts["processed_since_start"] = self.counts.get("processed_since_start", 0) + 1

    def take(self) -> dict:
        """The pending counts as update expressions, and forget them."""
        counts, self.counts = self.counts, {}
        return {name: F(name) + count for name, count in counts.items()}

    def flush(self, job_id: int) -> None:
        if self.counts:
            Job.objects.filter(pk=job_id).update(**self.take())


def _lease_release(job_id: int, token: str) -> None:
    # The job stays "expected to be picked up" for one lease: the sweeper only steps in after that.
    expires = _fresh_lease()
    Job.objects.filter(pk=job_id, lease_owner=token).update(lease_owner="", lease_expires_at=expires)


def job_run_chunk(*, job_id: int) -> str:
    """Process one chunk of the job. Returns what happened (for logs and tests):
    ``"busy"`` (another task holds the lease), ``"gone"``, ``"more"`` (re-enqueued), or the final status."""
    token = uuid.uuid4().hex
    if not _lease_take(job_id, token):
        return "busy" if Job.objects.filter(pk=job_id).exists() else "gone"
    try:
        # Reasons written on the rows are read by the job's owner: write them in their language.
        owner = Job.objects.select_related("owner").get(pk=job_id).owner
        language = user_language_get(user=owner) or settings.LANGUAGE_CODE
        with translation.override(language):
            result = _run_leased_chunk(job_id, token)
    except Exception:
        logger.exception("Job %s: chunk crashed", job_id)
        Job.objects.filter(pk=job_id).update(crash_count=F("crash_count") + 1)
        if Job.objects.filter(pk=job_id, crash_count__gte=MAX_CRASHES).exists():
            message = _("The job stopped after repeated internal errors.")
            _preparation_fail(job_id, message)
            _job_close(job_id, JobStatus.FAILED, message)
        _lease_release(job_id, token)
        raise
    _lease_release(job_id, token)
    if result == "more":
        _enqueue_on_commit(job_id)
    return result


def _run_leased_chunk(job_id: int, token: str) -> str:
    job = Job.objects.select_related("connection", "owner").get(pk=job_id)
    if job.status == JobStatus.PREPARING:
        return _run_leased_preparation(job, token)
    if job.status == JobStatus.CANCELLING:
        return _job_close(job.pk, JobStatus.CANCELLED)
    if job.status == JobStatus.PENDING:
        Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
            status=JobStatus.RUNNING, started_at=job.started_at or timezone.now()
        )
        job.refresh_from_db()
    else:
        _recount(job)  # a chunk killed before its tally was written left the counters short
    handler = handler_for(job.kind)
    items = list(
        JobItem.objects.filter(job=job, state=ItemState.PENDING).order_by("position", "pk")[: chunk_size()]
    )
    if not items:
        handler.finish(job=job)
        return _job_close(job.pk, JobStatus.FINISHED)

    # Holding the job's last items, a chunk may run a little over to finish them.
    grace = FINISH_WITHIN_SECONDS if len(items) < chunk_size() else 0.0
    deadline = _Deadline(time.monotonic() + chunk_seconds(), grace=grace, total=len(items))
    try:
        clients = [client_for(job.connection, priority=Priority.BACKGROUND)]
        shares = _lane_shares(items, _lane_count(clients[0], len(items)))
        clients += [client_for(job.connection, priority=Priority.BACKGROUND) for _ in shares[1:]]
    except ConnectionSecretError:
        return _job_close(
            job.pk, JobStatus.FAILED, _("The connection's app secret cannot be read; enter it again.")
        )
    chunk = _Chunk(job, token, handler, deadline)
    threads = [
        threading.Thread(target=_run_lane_thread, args=(chunk, share, client), name=f"job-{job.pk}-lane-{n}")
        for n, (share, client) in enumerate(zip(shares[1:], clients[1:], strict=True), start=1)
    ]
    for thread in threads:
        thread.start()
    try:
        _run_lane(chunk, shares[0], clients[0])
    except BaseException:
        chunk.stop(_Stop.CRASHED)
        raise
    finally:
        chunk.first_item_done.set()
        for thread in threads:
            thread.join()
        chunk.tally.flush(job.pk)
    if chunk.crash is not None:
        raise chunk.crash
    if chunk.stopped == _Stop.FAILED:
        return _job_close(job.pk, JobStatus.FAILED, chunk.failure)
    if chunk.stopped == _Stop.CANCELLED:
        return _job_close(job.pk, JobStatus.CANCELLED)
    if chunk.stopped in (_Stop.BUSY, _Stop.MORE):
        return str(chunk.stopped)
    if JobItem.objects.filter(job=job, state=ItemState.PENDING).exists():
        return "more"
    handler.finish(job=job)
    return _job_close(job.pk, JobStatus.FINISHED)


def _lane_count(client, items: int) -> int:
    """How many threads share the chunk's items: more than one only where the rate is high enough for
    one document's bookkeeping to take about as long as the spacing of two sends, and never inside a
    caller's transaction (another thread's database connection would not see its rows)."""
    rate = client.settings.rate_limit
    if rate.window / rate.limit >= LANE_SPACING_SECONDS or db_connection.in_atomic_block:
        return 1
    return max(1, min(settings.QUIPU_JOB_LANES, items // LANE_MIN_ITEMS))


def _lane_shares(items: list[JobItem], lanes: int) -> list[list[JobItem]]:
    """Consecutive runs of the items, one per lane: each lane reads its own listing pages, and their
    page reads fall at different times, so one lane keeps sending while another reads."""
    return [items[len(items) * n // lanes : len(items) * (n + 1) // lanes] for n in range(lanes)]


class _Stop(enum.StrEnum):
    MORE = "more"  # the chunk's time is up
    BUSY = "busy"  # the lease was lost
    CANCELLED = "cancelled"
    FAILED = "failed"  # Quipu refused the credentials
    CRASHED = "crashed"


class _Chunk:
    """What the lanes of one chunk share: the lease (renewed by whichever lane finds it due), the
    deadline, the counters, and the first reason to stop, which every lane obeys before its next item."""

    def __init__(self, job: Job, token: str, handler, deadline: "_Deadline"):
        self.job, self.token, self.handler, self.deadline = job, token, handler, deadline
        self.tally = _Tally()
        self.stopped: _Stop | None = None
        self.failure = ""
        self.crash: BaseException | None = None
        # The other lanes start once the first has written its first document, so that their first
        # listing pages are not read at the same time as its own.
        self.first_item_done = threading.Event()
        self._lock = threading.Lock()
        self._done = 0
        self._renewed_at: float | None = None

    def stop(self, reason: _Stop, failure: str = "") -> None:
        with self._lock:
            if self.stopped is None or reason in (_Stop.FAILED, _Stop.CRASHED):
                self.stopped, self.failure = reason, failure

    def may_go_on(self) -> bool:
        """Whether a lane may start its next item: nobody stopped, the time is not up, the lease holds.
        A cancel or a lost lease is noticed within a fraction of a second, without a write per document."""
        with self._lock:
            if self.stopped is None and self.deadline.past(self._done):
                self.stopped = _Stop.MORE
            if self.stopped is not None:
                return False
            if self._renewed_at is not None and time.monotonic() - self._renewed_at < RENEW_EVERY_SECONDS:
                return True
            if _lease_renew(self.job.pk, self.token, self.tally):
                self._renewed_at = time.monotonic()
                return True
            if Job.objects.filter(pk=self.job.pk, status=JobStatus.CANCELLING).exists():
                self.stopped = _Stop.CANCELLED
            else:
                logger.warning("Job %s: lease lost; another task carries on", self.job.pk)
                self.stopped = _Stop.BUSY
            return False

    def finished(self, counter: str | None) -> None:
        with self._lock:
            self._done += 1
            if counter:
                self.tally.add(counter)
        self.first_item_done.set()


def _run_lane_thread(chunk: _Chunk, items: list[JobItem], client) -> None:
    try:
        chunk.first_item_done.wait()
        _run_lane(chunk, items, client)
    except BaseException as error:
        logger.exception("Job %s: a lane crashed", chunk.job.pk)
        chunk.crash = error
        chunk.stop(_Stop.CRASHED)
    finally:
        db_connection.close()


def _run_lane(chunk: _Chunk, items: list[JobItem], client) -> None:
    """Process the items in order until they are done or the chunk stops."""
    job, handler = chunk.job, chunk.handler
    with client:
        try:
            prefetched = handler.prefetch(job=job, items=items, client=client)
        except QuipuAuthError as error:
            chunk.stop(_Stop.FAILED, str(error.message))
            return
        except TRANSIENT_ERRORS:
            logger.warning("Job %s: reading the chunk failed; trying again in the next chunk", job.pk)
            prefetched = {}
        for item in items:
            if not chunk.may_go_on():
                return
            try:
                outcome = handler.process_item(job=job, item=item, client=client, prefetched=prefetched)
            except QuipuAuthError as error:
                chunk.stop(_Stop.FAILED, str(error.message))
                return
            except TRANSIENT_ERRORS as error:
                outcome = Outcome(ItemState.FAILED, error=str(error.message), retry=True)
            except QuipuError as error:
                outcome = Outcome(ItemState.FAILED, error=_error_text(error))
            chunk.finished(_item_finish(job, item, outcome, change_log=handler.change_log))


class _Deadline:
    """A chunk's deadline that lets it finish its last items when they take at most ``grace`` more
    seconds at the pace of the items done so far."""

    def __init__(self, at: float, *, grace: float, total: int):
        self.at, self.grace, self.total = at, grace, total
        self.started = time.monotonic()

    def past(self, done: int) -> bool:
        """Whether to stop before the next item, ``done`` items in; a chunk always does one."""
        now = time.monotonic()
        if done == 0 or now <= self.at:
            return False
        if now > self.at + self.grace:
            return True
        per_item = (now - self.started) / done
        return now + per_item * (self.total - done) > self.at + self.grace


def _run_leased_preparation(job: Job, token: str) -> str:
    """Read the job's items, step after step, for at most a chunk's time; a draft once all are read."""
    handler = handler_for(job.kind)
    deadline = time.monotonic() + chunk_seconds()
    try:
        client = client_for(job.connection, priority=Priority.BACKGROUND)
    except ConnectionSecretError:
        return _preparation_fail(job.pk, _("The connection's app secret cannot be read; enter it again."))
    transient_failures = 0
    with client:
        while True:
            if not _lease_renew(job.pk, token):
                return "busy" if Job.objects.filter(pk=job.pk).exists() else "gone"
            try:
                step = handler.prepare(job=job, client=client)
            except PreparationError as error:
                return _preparation_fail(job.pk, str(error))
            except QuipuAuthError as error:
                return _preparation_fail(job.pk, str(error.message))
            except QuipuError as error:
                transient_failures += 1
                if isinstance(error, TRANSIENT_ERRORS) and transient_failures < MAX_ITEM_ATTEMPTS:
                    # A page that failed once (a 500, a lost answer) is read again, like an item's write.
                    logger.warning(
                        "Job %s: reading a page failed (%s); reading it again", job.pk, error.detail
                    )
                    time.sleep(min(2.0, 0.5 * transient_failures))
                    continue
                return _preparation_fail(
                    job.pk,
                    _("Reading the documents from Quipu stopped: %(reason)s") % {"reason": error.message},
                )
            transient_failures = 0
            if not _preparation_save(job, token, step):
                return "gone"
            if step.done:
                return "more" if handler.starts_when_prepared else str(JobStatus.DRAFT)
            if step.pause or time.monotonic() > deadline:
                return "more"


def _preparation_save(job: Job, token: str, step: Preparation) -> bool:
    """Store one step's items and where to carry on, together: a task killed between two steps
    starts again from the step after the last one stored. False when the job was discarded."""
    with transaction.atomic():
        locked = (
            Job.objects.select_for_update()
            .filter(pk=job.pk, status=JobStatus.PREPARING, lease_owner=token)
            .first()
        )
        if locked is None:
            return False
        _items_add(job, step.items)
        job.params = {**locked.params, "preparing": step.state}
        fields = {"params": job.params}
        if step.done and handler_for(job.kind).starts_when_prepared:
            # The runner enqueues the job's next task ("more"), which takes the lease afresh.
            lease = _fresh_lease()
            fields.update(status=JobStatus.PENDING, lease_owner="", lease_expires_at=lease)
        elif step.done:
            fields.update(status=JobStatus.DRAFT, lease_owner="", lease_expires_at=None)
        Job.objects.filter(pk=job.pk).update(**fields)
        _recount(job)
    return True


def _preparation_fail(job_id: int, message: str) -> str:
    Job.objects.filter(pk=job_id, status=JobStatus.PREPARING).update(
        status=JobStatus.PREPARATION_FAILED, message=message[:500]
    )
    logger.info("Job %s: reading its documents failed", job_id)
    return str(JobStatus.PREPARATION_FAILED)


def _error_text(error: QuipuError) -> str:
    return f"{error.message} {error.detail}".strip() if error.detail else str(error.message)


def _item_finish(job: Job, item: JobItem, outcome: Outcome, *, change_log) -> str | None:
    """Record one item's outcome and its change-log entries in one short transaction; returns the
    job counter to add one to (the caller's tally writes it), None when nothing was recorded.

    The update is guarded by ``state=pending``: if two tasks ever wrote the same document, only the
    first outcome (and one set of log entries) is kept.
    """
    attempts = item.attempts + 1
    if outcome.retry and attempts < MAX_ITEM_ATTEMPTS:
        JobItem.objects.filter(pk=item.pk, state=ItemState.PENDING).update(
            attempts=attempts, error=outcome.error
        )
        return None
    fields = {
        "state": outcome.state,
        "error": outcome.error[:2000],
        "attempts": attempts,
        "updated_at": timezone.now(),
    }
    if outcome.after is not None:
        fields["after"] = outcome.after
    if outcome.fingerprint:
        fields["fingerprint"] = outcome.fingerprint
    counter = {
        ItemState.CHANGED: "changed_count",
        ItemState.SKIPPED: "skipped_count",
        ItemState.FAILED: "failed_count",
    }[outcome.state]
    with transaction.atomic():
        if not JobItem.objects.filter(pk=item.pk, state=ItemState.PENDING).update(**fields):
            return None
        if outcome.changes:
            if change_log is None:
                raise ImproperlyConfigured(f"Job kind {job.kind!r} has changes to record but no change_log.")
            change_log(
                user=job.owner,
                connection=job.connection,
                resource=item.resource,
                document_id=item.document_id,
                document_label=item.label,
                before={change.field: change.before for change in outcome.changes},
                after={change.field: change.after for change in outcome.changes},
                job=job,
            )
    return counter


def _job_close(job_id: int, status: JobStatus, message: str = "") -> str:
    fields = {"status": status, "finished_at": timezone.now()}
    if message:
        fields["message"] = message[:500]
    with transaction.atomic():
        if Job.objects.filter(pk=job_id, status__in=ACTIVE_STATUSES).update(**fields):
            _recount(Job(pk=job_id))  # exact counters, whatever a killed chunk left unwritten
    logger.info("Job %s: %s", job_id, status)
    return str(status)


def job_sweep() -> list[int]:
    """Enqueue again every active job nobody has touched for a whole lease (its worker died, or the
    broker lost the task). Runs every minute from django-q's scheduler and when a worker starts.
    Also deletes the jobs nobody confirmed within a day."""
    Job.objects.filter(
        status__in=UNCONFIRMED_STATUSES, created_at__lt=timezone.now() - UNCONFIRMED_LIFETIME
    ).delete()
    expired = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=timezone.now())
    swept = []
    for job_id in Job.objects.filter(expired, status__in=LEASED_STATUSES).values_list("pk", flat=True):
        fresh_lease = _fresh_lease()
        if Job.objects.filter(expired, pk=job_id).update(lease_owner="", lease_expires_at=fresh_lease):
            logger.warning("Job %s: lease expired; enqueueing it again", job_id)
            _enqueue_on_commit(job_id)
            swept.append(job_id)
    return swept
