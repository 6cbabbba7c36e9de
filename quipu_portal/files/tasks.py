"""django-q tasks of generated files (run by the scheduler; see the migration that schedules them)."""

from quipu_portal.files import services


def delete_expired_files() -> int:
    return services.generated_files_expired_delete()
