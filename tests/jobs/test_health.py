"""``manage.py jobs_health``: passes while tasks run, fails in one line when work waits and nothing runs."""

import datetime
import io
import re
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Task

from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES
from quipu_portal.jobs.health import jobs_health_check
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.jobs.tasks import enqueue_run

pytestmark = pytest.mark.django_db

LIMIT = 270  # the default: three 90-second leases


@pytest.fixture(autouse=True)
def empty_queue():
    # The Redis broker (CI's second stack) keeps its queue across tests; the ORM broker's rolls back.
    get_broker().purge_queue()
    yield
    get_broker().purge_queue()


def jobs_health() -> str:
    output = io.StringIO()
    call_command("jobs_health", stdout=output)
    return output.getvalue().strip()


def job_with_lease(accountant, connection, *, expired_seconds_ago: float, status=JobStatus.RUNNING) -> Job:
    return Job.objects.create(
        owner=accountant,
        connection=connection,
        kind=BULK_CATEGORIES,
        status=status,
        lease_owner="a-dead-task",
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=expired_seconds_ago),
    )


def a_task_finished(at: datetime.datetime) -> None:
    Task.objects.create(
        id=uuid.uuid4().hex,
        name="sweep",
        func="quipu_portal.jobs.tasks.sweep_jobs",
        started=at,
        stopped=at,
        success=True,
    )


def test_nothing_waiting_is_healthy():
    assert jobs_health() == f"ok: no work has waited longer than {LIMIT} s"


def test_a_job_whose_lease_expired_long_ago_fails_the_check_with_the_reason(accountant, connection):
    # Expired a minute ago: the sweeper (every minute) has not had its turn yet.
    job_with_lease(accountant, connection, expired_seconds_ago=60)
    # Long expired, but the job is over: nothing waits for it.
    job_with_lease(accountant, connection, expired_seconds_ago=3600, status=JobStatus.FINISHED)
    assert jobs_health().startswith("ok:")

    stalled = job_with_lease(accountant, connection, expired_seconds_ago=600)

    with pytest.raises(CommandError) as failure:
        jobs_health()
    assert re.fullmatch(
        rf"stalled: job {stalled.pk}'s lease expired 60\d s ago; no task on record \(limit {LIMIT} s\)",
        str(failure.value),
    )


def test_a_job_waiting_on_a_busy_cluster_is_not_a_stall(accountant, connection):
    job_with_lease(accountant, connection, expired_seconds_ago=600)
    a_task_finished(timezone.now() - datetime.timedelta(seconds=30))

    assert re.fullmatch(r"ok: a task finished 3\d s ago", jobs_health())


def test_a_freshly_queued_task_passes_and_the_same_task_still_waiting_later_fails():
    enqueue_run(0)
    assert jobs_health() == f"ok: no work has waited longer than {LIMIT} s"

    later = timezone.now() + datetime.timedelta(seconds=LIMIT + 30)
    health = jobs_health_check(now=later)
    assert not health.healthy
    assert re.fullmatch(
        rf"stalled: 1 queued task\(s\), the oldest waiting for 30\d s; no task on record \(limit {LIMIT} s\)",
        health.reason,
    )

    # A task finished a minute before that moment: a long queue on a working cluster, not a stall.
    a_task_finished(later - datetime.timedelta(seconds=60))
    assert jobs_health_check(now=later).healthy


def test_the_limit_comes_from_the_settings(settings, accountant, connection):
    settings.QUIPU_JOB_STALL_SECONDS = 900
    job_with_lease(accountant, connection, expired_seconds_ago=600)
    assert jobs_health() == "ok: no work has waited longer than 900 s"

    settings.QUIPU_JOB_STALL_SECONDS = 300
    with pytest.raises(CommandError, match=r"\(limit 300 s\)$"):
        jobs_health()
