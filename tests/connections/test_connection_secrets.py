"""App secrets at rest: encrypted, bound to their row, rotatable, and absent from a database dump."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db

from quipu_portal.connections.checks import encryption_keys_check
from quipu_portal.connections.crypto import ConnectionSecretError, connection_secret_get
from quipu_portal.connections.models import Connection
from quipu_portal.connections.services import connection_create, connection_update

ROOT = Path(__file__).resolve().parents[2]


def plain_sql_dump() -> str:
    """The whole database as plain SQL, the way a backup would hold it."""
    if db.vendor == "sqlite":
        db.ensure_connection()
        return "\n".join(db.connection.iterdump())
    settings = db.settings_dict
    command = ["pg_dump", "--no-owner", "--inserts", "--dbname", settings["NAME"]]
    command += ["--host", settings["HOST"] or "127.0.0.1", "--port", str(settings["PORT"] or 5432)]
    command += ["--username", settings["USER"] or "postgres"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_the_connection_but_not_its_secret(secret, offline_connection):
    dump = plain_sql_dump()

    assert "offline-app-id" in dump
    assert offline_connection.app_secret_encrypted in dump
    assert secret not in dump
    assert secret.encode().hex() not in dump.lower()


def test_the_stored_secret_decrypts_only_with_the_configured_keys(secret, offline_connection, settings):
    stored = Connection.objects.get(pk=offline_connection.pk)
    assert connection_secret_get(connection=stored) == secret

    settings.QUIPU_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ConnectionSecretError) as raised:
        connection_secret_get(connection=stored)
    assert secret not in str(raised.value)


def test_a_ciphertext_copied_into_another_row_does_not_decrypt(offline_connection, others_connection):
    others_connection.app_secret_encrypted = offline_connection.app_secret_encrypted
    others_connection.save()

    with pytest.raises(ConnectionSecretError):
        connection_secret_get(connection=Connection.objects.get(pk=others_connection.pk))


def test_a_ciphertext_copied_between_rows_of_the_same_owner_does_not_decrypt(
    offline_connection, english_user
):
    second = connection_create(
        owner=english_user, name="Second", base_url="https://127.0.0.1:9", app_id="b", app_secret="other"
    )
    second.app_secret_encrypted = offline_connection.app_secret_encrypted
    second.save()

    with pytest.raises(ConnectionSecretError):
        connection_secret_get(connection=Connection.objects.get(pk=second.pk))


def test_old_key_data_decrypts_until_rotated_and_rotation_moves_it_to_the_new_key(
    secret, offline_connection, others_connection, settings
):
    old_key = settings.QUIPU_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.QUIPU_ENCRYPTION_KEYS = [new_key, old_key]

    # Not rotated yet: still readable, still under the old key.
    before = Connection.objects.get(pk=offline_connection.pk)
    assert connection_secret_get(connection=before) == secret
    Fernet(old_key.encode()).decrypt(before.app_secret_encrypted.encode())

    output = io.StringIO()
    call_command("rotate_encryption_keys", stdout=output)
    assert "Re-encrypted 2" in output.getvalue()

    after = Connection.objects.get(pk=offline_connection.pk)
    assert after.app_secret_encrypted != before.app_secret_encrypted
    Fernet(new_key.encode()).decrypt(after.app_secret_encrypted.encode())
    settings.QUIPU_ENCRYPTION_KEYS = [new_key]
    assert connection_secret_get(connection=after) == secret
    assert connection_secret_get(connection=Connection.objects.get(pk=others_connection.pk)) == (
        "the-other-users-secret-91c2"
    )


def test_rotation_changes_nothing_when_a_secret_cannot_be_read(
    secret, offline_connection, others_connection, settings
):
    lost_key = settings.QUIPU_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.QUIPU_ENCRYPTION_KEYS = [new_key]
    offline_connection.refresh_from_db()
    tokens_before = set(Connection.objects.values_list("app_secret_encrypted", flat=True))

    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_keys")

    assert set(Connection.objects.values_list("app_secret_encrypted", flat=True)) == tokens_before
    settings.QUIPU_ENCRYPTION_KEYS = [lost_key]
    assert connection_secret_get(connection=Connection.objects.get(pk=offline_connection.pk)) == secret


def test_saving_without_a_new_secret_keeps_the_old_one(secret, offline_connection):
    connection_update(
        connection=offline_connection,
        name="Renamed S.L.",
        base_url=offline_connection.base_url,
        app_id=offline_connection.app_id,
        app_secret=None,
    )

    stored = Connection.objects.get(pk=offline_connection.pk)
    assert stored.name == "Renamed S.L."
    assert connection_secret_get(connection=stored) == secret


def test_the_connection_never_shows_its_secret_in_repr_or_str(secret, offline_connection):
    assert secret not in repr(offline_connection)
    assert secret not in str(offline_connection)
    assert offline_connection.app_secret_encrypted not in repr(offline_connection)


def test_missing_or_malformed_encryption_keys_fail_the_system_checks(settings):
    settings.QUIPU_ENCRYPTION_KEYS = []
    assert [error.id for error in encryption_keys_check(None)] == ["connections.E001"]

    settings.QUIPU_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    assert [error.id for error in encryption_keys_check(None)] == ["connections.E001"]

    settings.QUIPU_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert encryption_keys_check(None) == []


def test_production_refuses_to_start_without_encryption_keys():
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "quipu_portal.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quipu_portal",
    }
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert started.returncode != 0
    assert "QUIPU_ENCRYPTION_KEYS" in started.stderr
