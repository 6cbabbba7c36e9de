"""django-q tasks of the PDF app (run by the scheduler; see the migration that schedules them)."""

from quipu_portal.pdfs import services


def delete_expired_bundles() -> int:
    return services.bundle_expired_delete()
