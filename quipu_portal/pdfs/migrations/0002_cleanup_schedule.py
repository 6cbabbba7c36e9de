"""Once the hourly clean-up of the PDF bundles; generated files now share one (files 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pdfs", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = []
