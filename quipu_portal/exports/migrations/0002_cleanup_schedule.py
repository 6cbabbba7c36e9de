"""Every hour, django-q's scheduler deletes the list exports older than QUIPU_FILE_RETENTION_DAYS."""

from django.db import migrations

from quipu_portal.exports.migrations._schedule import add_schedule, remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
