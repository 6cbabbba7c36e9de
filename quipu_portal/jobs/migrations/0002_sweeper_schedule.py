"""Every minute, django-q's scheduler runs the sweeper that re-enqueues jobs whose task was lost
(the Redis broker keeps no receipts, and a killed worker's task may never come back)."""

from django.db import migrations

SWEEPER = "quipu_portal.jobs.tasks.sweep_jobs"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        func=SWEEPER,
        defaults={"name": "Sweep background jobs", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=SWEEPER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
