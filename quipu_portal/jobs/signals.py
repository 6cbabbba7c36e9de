"""What the jobs app listens to: a worker that starts (the cluster restarted, or a dead worker was
replaced) first looks for jobs whose task was lost, instead of waiting for the next scheduled sweep;
a connection added or chosen has its reference data fetched in the background."""

import gc
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


@receiver(post_spawn)
def keep_start_up_objects_out_of_collections(sender, proc_name, **kwargs):
    """What a worker loaded to start (Django, the apps, their modules) lives as long as the worker:
    out of the garbage collector's sight, a full collection takes a millisecond instead of pausing a
    running job for ~70 ms (at a raised limit, seven sends' worth)."""
    gc.freeze()


@receiver(reference_data_wanted)
def warm_reference_data(sender, connection, **kwargs):
    reference_warm_later(connection=connection)
