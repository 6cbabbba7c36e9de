"""App secrets at rest: Fernet tokens under keys of our own, rotatable, bound to their row.

``settings.QUIPU_ENCRYPTION_KEYS`` lists Fernet keys, newest first. New tokens use the newest
key; every listed key can still decrypt, so a key can be added before old tokens are rotated
(``manage.py rotate_encryption_keys``) and removed afterwards.

The plaintext is a small JSON document naming the owner and the row with the secret, so a
token copied into another row (or another user's row) does not decrypt there.
"""

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from quipu_portal.connections.models import Connection


class ConnectionSecretError(Exception):
    """The stored secret cannot be read: wrong keys, or a token that belongs to another row."""


def encryption_keys() -> MultiFernet:
    keys = settings.QUIPU_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("QUIPU_ENCRYPTION_KEYS must hold at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "QUIPU_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from error


@sensitive_variables("secret", "payload")
def connection_secret_set(*, connection: Connection, secret: str) -> None:
    """Encrypt ``secret`` for this saved connection; the caller saves the row."""
    if connection.pk is None or connection.owner_id is None:
        raise ValueError("Save the connection with its owner before setting its secret.")
    payload = json.dumps({"owner": connection.owner_id, "connection": connection.pk, "secret": secret})
    connection.app_secret_encrypted = encryption_keys().encrypt(payload.encode()).decode("ascii")


@sensitive_variables("payload", "document")
def connection_secret_get(*, connection: Connection) -> str:
    try:
        payload = encryption_keys().decrypt(connection.app_secret_encrypted.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        raise ConnectionSecretError(
            f"The app secret of connection {connection.pk} cannot be decrypted with the configured keys."
        ) from None
    document = json.loads(payload)
    if document.get("owner") != connection.owner_id or document.get("connection") != connection.pk:
        raise ConnectionSecretError(f"The app secret stored in connection {connection.pk} belongs elsewhere.")
    return document["secret"]


def connection_secret_rotate(*, connection: Connection) -> None:
    """Re-encrypt under the newest key; the caller saves the row."""
    try:
        rotated = encryption_keys().rotate(connection.app_secret_encrypted.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise ConnectionSecretError(
            f"The app secret of connection {connection.pk} cannot be decrypted with the configured keys."
        ) from None
    connection.app_secret_encrypted = rotated
