"""The jobs app's tables as of its first six migrations, squashed; a job's kind is a plain string
(the kinds are declared by the handlers that register them, see jobs/registry.py).

Every minute, django-q's scheduler runs the sweeper that re-enqueues jobs whose task was lost (the
Redis broker keeps no receipts, and a killed worker's task may never come back)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

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

    replaces = [('jobs', '0001_initial'), ('jobs', '0002_sweeper_schedule'), ('jobs', '0003_preparing_statuses'), ('jobs', '0004_bulk_delete_kind'), ('jobs', '0005_item_written_at'), ('jobs', '0006_job_kinds_for_quarter_close')]

    initial = True

    dependencies = [
        ('connections', '0001_initial'),
        ('django_q', '0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=30, verbose_name='kind')),
                ('status', models.CharField(choices=[('preparing', 'Reading documents'), ('preparation_failed', 'Reading documents failed'), ('draft', 'Waiting for confirmation'), ('pending', 'Queued'), ('running', 'Running'), ('cancelling', 'Cancelling'), ('cancelled', 'Cancelled'), ('finished', 'Finished'), ('failed', 'Failed')], default='draft', max_length=20, verbose_name='status')),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='documents')),
                ('changed_count', models.PositiveIntegerField(default=0, verbose_name='changed')),
                ('skipped_count', models.PositiveIntegerField(default=0, verbose_name='skipped')),
                ('failed_count', models.PositiveIntegerField(default=0, verbose_name='failed')),
                ('processed_since_start', models.PositiveIntegerField(default=0)),
                ('message', models.CharField(blank=True, max_length=500, verbose_name='message')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('lease_owner', models.CharField(blank=True, max_length=64)),
                ('lease_expires_at', models.DateTimeField(blank=True, null=True)),
                ('crash_count', models.PositiveIntegerField(default=0)),
                ('result_path', models.CharField(blank=True, max_length=500, verbose_name='result file')),
                ('connection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='connections.connection', verbose_name='connection')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('undo_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='undo_jobs', to='jobs.job', verbose_name='undoes')),
            ],
            options={
                'verbose_name': 'background job',
                'verbose_name_plural': 'background jobs',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='JobItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('resource', models.CharField(max_length=40, verbose_name='document type')),
                ('document_id', models.CharField(max_length=40, verbose_name='document')),
                ('label', models.CharField(blank=True, max_length=200, verbose_name='document')),
                ('position', models.PositiveIntegerField(default=0)),
                ('state', models.CharField(choices=[('pending', 'Pending'), ('changed', 'Changed'), ('skipped', 'Skipped'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='state')),
                ('before', models.JSONField(blank=True, default=dict)),
                ('after', models.JSONField(blank=True, default=dict)),
                ('fingerprint', models.CharField(blank=True, max_length=64)),
                ('source_page', models.PositiveIntegerField(default=1)),
                ('error', models.TextField(blank=True, verbose_name='reason')),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('written_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='jobs.job')),
            ],
            options={
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='job',
            index=models.Index(fields=['owner', 'status'], name='jobs_job_owner_i_c7523c_idx'),
        ),
        migrations.AddIndex(
            model_name='job',
            index=models.Index(fields=['status', 'lease_expires_at'], name='jobs_job_status_8b8fc1_idx'),
        ),
        migrations.AddIndex(
            model_name='jobitem',
            index=models.Index(fields=['job', 'state', 'position'], name='jobs_jobite_job_id_6d889e_idx'),
        ),
        migrations.AddConstraint(
            model_name='jobitem',
            constraint=models.UniqueConstraint(fields=('job', 'resource', 'document_id'), name='jobs_item_unique_document'),
        ),
        migrations.RunPython(
            code=add_schedule,
            reverse_code=remove_schedule,
        ),
    ]
