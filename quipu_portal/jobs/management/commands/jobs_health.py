from django.core.management.base import BaseCommand, CommandError

from quipu_portal.jobs.health import jobs_health_check


class Command(BaseCommand):
    help = (
        "Exit 0 while background tasks run; exit 1 with the reason when work has waited longer than "
        "QUIPU_JOB_STALL_SECONDS with no task finishing (for a health check or liveness probe)."
    )

    def handle(self, *args, **options):
        try:
            health = jobs_health_check()
        except Exception as error:  # an unreachable database or broker is a failed check, told in one line
            detail = " ".join(str(error).split())
            raise CommandError(f"cannot check: {type(error).__name__}: {detail}") from error
        if not health.healthy:
            raise CommandError(health.reason)
        self.stdout.write(health.reason)
