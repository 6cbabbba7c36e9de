"""Every hour, django-q's scheduler deletes the PDF bundles older than QUIPU_FILE_RETENTION_DAYS."""

from django.db import migrations

CLEANUP = "quipu_portal.pdfs.tasks.delete_expired_bundles"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        func=CLEANUP,
        defaults={"name": "Delete expired PDF bundles", "schedule_type": "H", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=CLEANUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pdfs", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
