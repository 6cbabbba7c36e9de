"""What the jobs app listens to: a worker that starts (the cluster restarted, or a dead worker was
replaced) first looks for jobs whose task was lost, instead of waiting for the next scheduled sweep;
a connection added or chosen has its reference data fetched in the background."""

import logging

from django.db import DatabaseError
from django.dispatch import receiver
from django_q.signals import post_spawn

from quipu_portal.connections.signals import reference_data_wanted
from quipu_portal.jobs.services import job_sweep
from quipu_portal.jobs.warmup import reference_warm_later

logger = logging.getLogger(__name__)


@receiver(post_spawn)
def sweep_when_a_worker_starts(sender, proc_name, **kwargs):
    try:
        job_sweep()
    except DatabaseError:
        logger.exception("Sweeping jobs when worker %s started failed", proc_name)


@receiver(reference_data_wanted)
def warm_reference_data(sender, connection, **kwargs):
    reference_warm_later(connection=connection)
