"""PDF bundles and list exports are generated files: one hourly clean-up removes both kinds when they
expire (and folders whose row is gone), and only its owner's page can serve a ready file."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from quipu_portal.connections.models import Connection
from quipu_portal.exports.models import Export
from quipu_portal.files.migrations._schedule import CLEANUP, REPLACED
from quipu_portal.files.services import generated_file_path, generated_files_expired_delete
from quipu_portal.pdfs.models import Bundle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def finished(model, *, owner, connection, file_name: str, expires_in: datetime.timedelta, **fields):
    """A finished file of ``model`` with its bytes on disk."""
    now = timezone.now()
    generated = model.objects.create(
        owner=owner,
        connection=connection,
        title=file_name,
        file_name=file_name,
        file_size=4,
        finished_at=now,
        expires_at=now + expires_in,
        **fields,
    )
    generated.folder.mkdir(parents=True)
    (generated.folder / file_name).write_bytes(b"data")
    return generated


@pytest.fixture
def connection(user):
    return Connection.objects.create(
        owner=user, name="Talleres", base_url="http://quipu.test", app_id="a", app_secret_encrypted="x"
    )


def test_one_cleanup_removes_expired_bundles_and_exports_and_keeps_the_rest(user, connection, media_root):
    day = datetime.timedelta(days=1)
    old_bundle = finished(Bundle, owner=user, connection=connection, file_name="old.zip", expires_in=-day)
    new_bundle = finished(Bundle, owner=user, connection=connection, file_name="new.zip", expires_in=day)
    old_export = finished(
        Export, owner=user, connection=connection, file_name="old.csv", expires_in=-day, namespace="invoices"
    )
    orphan = media_root / "exports" / "999"
    orphan.mkdir(parents=True)

    assert generated_files_expired_delete() == 2

    assert not old_bundle.folder.exists() and not old_export.folder.exists() and not orphan.exists()
    assert generated_file_path(generated=new_bundle) == new_bundle.folder / "new.zip"
    old_bundle.refresh_from_db()
    old_export.refresh_from_db()
    assert old_bundle.deleted_at is not None and old_export.deleted_at is not None
    assert generated_file_path(generated=old_export) is None
    assert generated_files_expired_delete() == 0


def test_the_cleanup_is_one_hourly_schedule_and_a_command(user, connection, capsys):
    finished(Bundle, owner=user, connection=connection, file_name="b.pdf", expires_in=-datetime.timedelta(1))

    call_command("delete_expired_files")

    assert "Deleted 1 expired file(s)." in capsys.readouterr().out
    schedule = Schedule.objects.get(func=CLEANUP)
    assert schedule.schedule_type == Schedule.HOURLY and schedule.repeats == -1
    assert not Schedule.objects.filter(func__in=REPLACED).exists()
