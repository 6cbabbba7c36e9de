from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quipu_portal.jobs.registry import KIND_MAX_LENGTH, kind_label


class JobStatus(models.TextChoices):
    # A job whose documents are too many to read in one page view reads them in the background first.
    PREPARING = "preparing", _("Reading documents")
    PREPARATION_FAILED = "preparation_failed", _("Reading documents failed")
    DRAFT = "draft", _("Waiting for confirmation")
    PENDING = "pending", _("Queued")
    RUNNING = "running", _("Running")
    CANCELLING = "cancelling", _("Cancelling")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.CANCELLING)
DONE_STATUSES = (JobStatus.CANCELLED, JobStatus.FINISHED, JobStatus.FAILED)
# Not confirmed yet: nothing has been written, and the job is not listed among the user's jobs.
UNCONFIRMED_STATUSES = (JobStatus.PREPARING, JobStatus.PREPARATION_FAILED, JobStatus.DRAFT)
# A task works on the job and holds its lease.
LEASED_STATUSES = (JobStatus.PREPARING, *ACTIVE_STATUSES)


class ItemState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CHANGED = "changed", _("Changed")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """One piece of background work over many documents; its items are the source of truth."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("owner")
    )
    connection = models.ForeignKey(
        "connections.Connection", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("connection")
    )
    # Declared by the handler registered for it (see registry.py), not by choices here.
    kind = models.CharField(_("kind"), max_length=KIND_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # What the job does (never secrets): the change, where the documents were listed, the job undone.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("documents"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    # Counted while running, to tell rate and time left.
    processed_since_start = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The task currently working on the job, and until when its claim holds (see services.job_run_chunk).
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    crash_count = models.PositiveIntegerField(default=0)
    undo_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undo_jobs",
        verbose_name=_("undoes"),
    )
    result_path = models.CharField(_("result file"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "lease_expires_at"]),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} #{self.pk}"

    def get_kind_display(self) -> str:
        return kind_label(self.kind) or self.kind

    @property
    def done_count(self) -> int:
        return self.changed_count + self.skipped_count + self.failed_count

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


class JobItem(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    resource = models.CharField(_("document type"), max_length=40)
    document_id = models.CharField(_("document"), max_length=40)
    label = models.CharField(_("document"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    # The category fields as they were and as they are meant to be (or became).
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    # A hash of everything the write will send, as read at preview time: a document whose
    # fingerprint differs when it is written has changed in Quipu since.
    fingerprint = models.CharField(max_length=64, blank=True)
    # Where the document was found (page of the job's listing), to re-read it with its neighbours.
    source_page = models.PositiveIntegerField(default=1)
    error = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # When a write for this document was last sent: Quipu may have applied it even if its outcome
    # was never recorded (a worker that died), so the document's new state may be this job's doing.
    written_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "resource", "document_id"], name="jobs_item_unique_document"
            )
        ]
        indexes = [models.Index(fields=["job", "state", "position"])]

    def __str__(self) -> str:
        return f"{self.resource}/{self.document_id}: {self.state}"
