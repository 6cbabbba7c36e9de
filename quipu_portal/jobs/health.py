"""Is the task system working? ``manage.py jobs_health`` asks, for a process manager's health check.

A django-q worker killed while idle can leave the cluster's shared task queue locked: the cluster's
main process stays up, but no task runs again and jobs stall silently. The symptom is work waiting
too long: a queued task nobody picked up, or an active job whose lease expired and that the sweeper
(every minute) did not re-enqueue. A busy cluster has waiting work too, so the check also asks
whether any task finished recently: a cluster that finishes tasks is alive, however long its queue.

It tells whether tasks run, not whether a cluster process exists (the process manager knows that),
and it looks at the task system as a whole: with clusters on several machines, one frozen cluster
whose work the others take over does not fail it.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from quipu_portal.jobs.models import ACTIVE_STATUSES, Job
from quipu_portal.jobs.queue import task_last_finished_at, task_queue_state
from quipu_portal.jobs.services import lease_seconds


@dataclass(frozen=True)
class Health:
    healthy: bool
    reason: str


def stall_seconds() -> float:
    """How long work may wait with no task finishing. The default, three job leases (270 s), is longer
    than django-q's task timeout, the sweeper's interval and a lease, so a busy cluster never fails it."""
    return float(getattr(settings, "QUIPU_JOB_STALL_SECONDS", 3 * lease_seconds()))


def jobs_health_check(*, now: datetime.datetime | None = None) -> Health:
    now = now or timezone.now()
    limit = stall_seconds()
    horizon = now - datetime.timedelta(seconds=limit)

    last_finished = task_last_finished_at()
    if last_finished and last_finished >= horizon:
        return Health(True, f"ok: a task finished {_ago(now, last_finished)} ago")

    waiting = []
    job = (
        Job.objects.filter(status__in=ACTIVE_STATUSES, lease_expires_at__lt=horizon)
        .order_by("lease_expires_at")
        .first()
    )
    if job:
        waiting.append(f"job {job.pk}'s lease expired {_ago(now, job.lease_expires_at)} ago")
    queued, waiting_since = task_queue_state()
    if waiting_since and waiting_since < horizon:
        waiting.append(f"{queued} queued task(s), the oldest waiting for {_ago(now, waiting_since)}")
    if not waiting:
        return Health(True, f"ok: no work has waited longer than {limit:.0f} s")

    finished = (
        f"the last task finished {_ago(now, last_finished)} ago" if last_finished else "no task on record"
    )
    return Health(False, f"stalled: {'; '.join(waiting)}; {finished} (limit {limit:.0f} s)")


def _ago(now: datetime.datetime, moment: datetime.datetime) -> str:
    return f"{max((now - moment).total_seconds(), 0):.0f} s"
