"""The life of a generated file: finished with its expiry date, found on disk, removed when it expires."""

import datetime
import logging
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from quipu_portal.files.models import GeneratedFile

logger = logging.getLogger(__name__)


def generated_file_models() -> list[type[GeneratedFile]]:
    return [model for model in apps.get_models() if issubclass(model, GeneratedFile)]


def generated_file_finish(*, generated: GeneratedFile, file_name: str, file_size: int, **counts: int) -> None:
    """Mark the file written into its folder as ready (with its counts, e.g. ``row_count``) until the
    retention period ends."""
    now = timezone.now()
    for field, value in {"file_name": file_name, "file_size": file_size, **counts}.items():
        setattr(generated, field, value)
    generated.finished_at = now
    generated.expires_at = now + datetime.timedelta(days=settings.QUIPU_FILE_RETENTION_DAYS)
    generated.deleted_at = None
    generated.save(
        update_fields=["file_name", "file_size", *counts, "finished_at", "expires_at", "deleted_at"]
    )


def generated_file_path(*, generated: GeneratedFile) -> Path | None:
    """The finished file on disk, or None (not written yet, expired, or removed)."""
    if not generated.is_ready:
        return None
    path = generated.folder / generated.file_name
    return path if path.is_file() else None


def generated_file_folder_delete(*, generated: GeneratedFile) -> None:
    shutil.rmtree(generated.folder, ignore_errors=True)


def generated_files_expired_delete(*, now=None) -> int:
    """Remove the files past their expiry date, of every kind (and folders of files that no longer exist)."""
    now = now or timezone.now()
    total = 0
    for model in generated_file_models():
        count = 0
        for generated in model.objects.filter(expires_at__lte=now, deleted_at__isnull=True):
            generated_file_folder_delete(generated=generated)
            model.objects.filter(pk=generated.pk).update(deleted_at=now)
            count += 1
        root = model.files_root()
        if root.is_dir():
            known = set(model.objects.values_list("pk", flat=True))
            for folder in root.iterdir():
                if folder.is_dir() and folder.name.isdigit() and int(folder.name) not in known:
                    shutil.rmtree(folder, ignore_errors=True)
        if count:
            logger.info("Removed the files of %s expired %s", count, model._meta.verbose_name_plural)
        total += count
    return total
