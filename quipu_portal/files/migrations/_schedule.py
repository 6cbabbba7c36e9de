"""The hourly clean-up schedule, shared by the migration and the post_migrate handler."""

CLEANUP = "quipu_portal.files.tasks.delete_expired_files"
# The clean-ups that each kind of file had before they shared one.
REPLACED = (
    "quipu_portal.pdfs.tasks.delete_expired_bundles",
    "quipu_portal.exports.tasks.delete_expired_exports",
)


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func__in=REPLACED).delete()
    Schedule.objects.update_or_create(
        func=CLEANUP,
        defaults={"name": "Delete expired generated files", "schedule_type": "H", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=CLEANUP).delete()
