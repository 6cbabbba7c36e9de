"""A file the portal writes for one user (a PDF bundle, a list export): where it lives and until when."""

from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.db import models


class GeneratedFile(models.Model):
    """A file built for its owner under MEDIA_ROOT/<folder_name>/<id>/, only served to that owner, and
    deleted ``QUIPU_FILE_RETENTION_DAYS`` after it was finished (the hourly clean-up of ``files``).

    Subclasses name their folder and the content type of each file suffix they write.
    """

    folder_name: ClassVar[str]
    content_types: ClassVar[dict[str, str]]

    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the file is complete; the file name is relative to the folder.
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    # Set when the clean-up removed the files.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return bool(self.finished_at and self.file_name and not self.deleted_at)

    @classmethod
    def files_root(cls) -> Path:
        # Under MEDIA_ROOT but never served by a static or media URL: only an owner-checked view reads it.
        return Path(settings.MEDIA_ROOT) / cls.folder_name

    @property
    def folder(self) -> Path:
        return self.files_root() / str(int(self.pk))


class GeneratedFileDocument(models.Model):
    """One document a generated file is made of, at its place in the list it was read from.

    Subclasses add the link to their file, unique together with ``document_id`` (a page read twice
    adds nothing), and what the file needs of the document.
    """

    position = models.PositiveIntegerField()
    document_id = models.CharField(max_length=64)

    class Meta:
        abstract = True
        ordering = ["position"]
