"""The broker side of jobs: enqueueing a task by name, and what the health check reads of django-q.
With tasks.py, the only importer of django_q; neither imports the services the tasks call, so the
services may enqueue without an import cycle."""

import datetime

from django.db.models import Min
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf
from django_q.models import Task
from django_q.signing import SignedPackage
from django_q.status import Stat
from django_q.tasks import async_task


def enqueue_run(job_id: int) -> None:
    async_task("quipu_portal.jobs.tasks.run_job", job_id, group="jobs")


def enqueue_reference_warm_up(connection_id: int) -> None:
    async_task("quipu_portal.jobs.tasks.warm_reference_data", connection_id, group="reference_data")


# What the health check (health.py) reads of django-q ------------------------------------------------


def task_queue_state() -> tuple[int, datetime.datetime | None]:
    """How many tasks wait in the broker for a worker, and since when the oldest one waits.

    The ORM broker's ``lock`` is when a task became available (enqueued, or its retry time came); the
    head of the Redis list is the oldest task, stamped when it was enqueued. Other brokers tell only the
    count (the time is then None).
    """
    broker = get_broker()
    size = broker.queue_size()
    if not size:
        return 0, None
    if isinstance(broker, ORM):
        waiting = broker.get_connection().filter(key=broker.list_key, lock__lte=timezone.now())
        return size, waiting.aggregate(since=Min("lock"))["since"]
    if isinstance(broker, Redis):
        head = broker.connection.lindex(broker.list_key, 0)
        try:
            return size, SignedPackage.loads(head).get("started")
        except Exception:  # emptied meanwhile, or not a package this project's key signed
            return size, None
    return size, None


def cluster_is_running(pid: int) -> bool:
    """Whether the qcluster started as process ``pid`` has its workers up (from django-q's own status)."""
    return any(stat.pid == pid and stat.status in (Conf.IDLE, Conf.WORKING) for stat in Stat.get_all())


def task_finished_count() -> int:
    """How many task results are kept (successes up to ``save_limit``, and failures)."""
    return Task.objects.count()


def task_last_finished_at() -> datetime.datetime | None:
    """When a worker last finished a task (successful results are kept up to ``save_limit``)."""
    return Task.objects.order_by("-stopped").values_list("stopped", flat=True).first()
