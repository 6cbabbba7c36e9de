"""django-q tasks: ids in, a service call out. With queue.py, the only importer of django_q."""

from quipu_portal.jobs import services, warmup
from quipu_portal.jobs.queue import (  # noqa: F401  (where callers have always found them)
    cluster_is_running,
    enqueue_reference_warm_up,
    enqueue_run,
    task_finished_count,
    task_last_finished_at,
    task_queue_state,
)


def run_job(job_id: int) -> str:
    return services.job_run_chunk(job_id=job_id)


def sweep_jobs() -> int:
    return len(services.job_sweep())


def warm_reference_data(connection_id: int) -> str:
    return warmup.reference_warm_up(connection_id=connection_id)
