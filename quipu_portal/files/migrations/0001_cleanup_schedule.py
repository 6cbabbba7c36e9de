"""Every hour, django-q's scheduler deletes the generated files older than QUIPU_FILE_RETENTION_DAYS
(PDF bundles and list exports alike; their own hourly clean-ups are removed)."""

from django.db import migrations

from quipu_portal.files.migrations._schedule import add_schedule, remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
