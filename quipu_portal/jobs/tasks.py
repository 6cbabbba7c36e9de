"""django-q tasks: ids in, a service call out. This package is the only importer of django_q."""

from django_q.tasks import async_task

from quipu_portal.jobs import services, warmup


def run_job(job_id: int) -> str:
    return services.job_run_chunk(job_id=job_id)


def sweep_jobs() -> int:
    return len(services.job_sweep())


def enqueue_run(job_id: int) -> None:
    async_task("quipu_portal.jobs.tasks.run_job", job_id, group="jobs")


def warm_reference_data(connection_id: int) -> str:
    return warmup.reference_warm_up(connection_id=connection_id)


def enqueue_reference_warm_up(connection_id: int) -> None:
    async_task("quipu_portal.jobs.tasks.warm_reference_data", connection_id, group="reference_data")
