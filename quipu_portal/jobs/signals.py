"""A worker that starts (the cluster restarted, or a dead worker was replaced) first looks for jobs
whose task was lost, instead of waiting for the next scheduled sweep."""

import logging

from django.db import DatabaseError
from django.dispatch import receiver
from django_q.signals import post_spawn

logger = logging.getLogger(__name__)


@receiver(post_spawn)
def sweep_when_a_worker_starts(sender, proc_name, **kwargs):
    from quipu_portal.jobs.services import job_sweep

    try:
        job_sweep()
    except DatabaseError:
        logger.exception("Sweeping jobs when worker %s started failed", proc_name)
