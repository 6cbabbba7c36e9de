"""django-q tasks of the exports app (run by the scheduler; see the migration that schedules them)."""

from quipu_portal.exports import services


def delete_expired_exports() -> int:
    return services.export_expired_delete()
