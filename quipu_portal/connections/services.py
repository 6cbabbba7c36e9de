"""Connections: create, change, test and choose the Quipu account a user works on.

Ownership is enforced here and only here: ``connection_get`` (and ``get_owned_connection`` for a
request) is how every page, fragment, job and download reaches a connection, and another user's
connection is indistinguishable from one that does not exist.
"""

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_variables

from quipu_portal.connections.crypto import (
    ConnectionSecretError,
    connection_secret_get,
    connection_secret_set,
)
from quipu_portal.connections.models import Connection, ConnectionStatus
from quipu_portal.connections.signals import reference_data_wanted
from quipu_portal.quipu.client import Priority, QuipuClient
from quipu_portal.quipu.config import QuipuCredentials
from quipu_portal.quipu.errors import (
    QuipuAuthError,
    QuipuError,
    QuipuRateLimitedError,
    QuipuUnavailableError,
    rate_limited_message,
)

logger = logging.getLogger(__name__)

ACTIVE_CONNECTION_SESSION_KEY = "quipu_active_connection_id"
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class ConnectionTestResult:
    status: ConnectionStatus
    message: str

    @property
    def ok(self) -> bool:
        return self.status == ConnectionStatus.OK


# Reading ---------------------------------------------------------------------------------------


def connection_list(*, owner: AbstractBaseUser) -> QuerySet[Connection]:
    return Connection.objects.filter(owner=owner)


def connection_get(*, owner: AbstractBaseUser, connection_id: int | str) -> Connection:
    """The owner's connection, or 404: another user's id reads exactly like a missing one."""
    try:
        return Connection.objects.get(owner=owner, pk=int(connection_id))
    except (Connection.DoesNotExist, ValueError, TypeError):
        raise Http404("No such connection.") from None


def get_owned_connection(request: HttpRequest, connection_id: int | str) -> Connection:
    return connection_get(owner=request.user, connection_id=connection_id)


# Writing ---------------------------------------------------------------------------------------


@sensitive_variables("app_secret")
def connection_create(
    *, owner: AbstractBaseUser, name: str, base_url: str, app_id: str, app_secret: str
) -> Connection:
    with transaction.atomic():
        connection = Connection.objects.create(owner=owner, name=name, base_url=base_url, app_id=app_id)
        # The ciphertext names its row, so the row needs its id first.
        connection_secret_set(connection=connection, secret=app_secret)
        connection.save(update_fields=["app_secret_encrypted"])
    logger.info("Connection %s added for user %s", connection.pk, owner.pk)
    _reference_warm_later(connection)
    return connection


@sensitive_variables("app_secret")
def connection_update(
    *, connection: Connection, name: str, base_url: str, app_id: str, app_secret: str | None = None
) -> Connection:
    """Change a connection. A blank ``app_secret`` keeps the stored one."""
    credentials_changed = bool(app_secret) or (base_url, app_id) != (connection.base_url, connection.app_id)
    connection.name = name
    connection.base_url = base_url
    connection.app_id = app_id
    if app_secret:
        connection_secret_set(connection=connection, secret=app_secret)
    if credentials_changed:
        # The last test said something about other credentials.
        connection.last_tested_at = None
        connection.last_test_status = ""
        connection.last_test_message = ""
    connection.save()
    logger.info("Connection %s changed (credentials changed: %s)", connection.pk, credentials_changed)
    return connection


def connection_delete(*, connection: Connection) -> None:
    connection_id = connection.pk
    connection.delete()
    logger.info("Connection %s deleted", connection_id)


# The one seam that builds a client -----------------------------------------------------------------


@sensitive_variables("credentials")
def client_for(connection: Connection, *, priority: Priority = Priority.INTERACTIVE) -> QuipuClient:
    """A client speaking for this connection. Also records when the connection was last used."""
    credentials = QuipuCredentials(
        base_url=connection.base_url,
        app_id=connection.app_id,
        app_secret=connection_secret_get(connection=connection),
    )
    _connection_touch(connection=connection)
    return QuipuClient(credentials, priority=priority)


def _connection_touch(*, connection: Connection) -> None:
    """Update ``last_used_at`` at most once a minute, so busy pages do not write on every request."""
    now = timezone.now()
    if connection.last_used_at and now - connection.last_used_at < LAST_USED_RESOLUTION:
        return
    Connection.objects.filter(pk=connection.pk).update(last_used_at=now)
    connection.last_used_at = now


# Testing a connection ----------------------------------------------------------------------------


def connection_test(*, connection: Connection) -> ConnectionTestResult:
    """Fetch a token and read one small resource; say what happened in an accountant's words."""
    try:
        with client_for(connection) as client:
            # A page of one category is enough to prove the token works for reading.
            client.list("accounting_categories", page_size=1)
    except ConnectionSecretError:
        logger.error("The app secret of connection %s cannot be decrypted", connection.pk)
        result = ConnectionTestResult(
            ConnectionStatus.ERROR,
            gettext(
                "The stored app secret can no longer be read (the encryption keys changed). "
                "Edit the connection and enter the app secret again."
            ),
        )
    except QuipuAuthError:
        result = ConnectionTestResult(
            ConnectionStatus.BAD_CREDENTIALS,
            gettext("Quipu refused these credentials. Check the app ID and app secret in Quipu's settings."),
        )
    except QuipuRateLimitedError as error:
        result = ConnectionTestResult(ConnectionStatus.RATE_LIMITED, rate_limited_message(error.retry_after))
    except QuipuUnavailableError:
        result = ConnectionTestResult(
            ConnectionStatus.UNREACHABLE,
            gettext(
                "Quipu could not be reached at this address. Check the API address, "
                "or try again in a few minutes."
            ),
        )
    except QuipuError:
        logger.warning("Testing connection %s failed with an unexpected Quipu error", connection.pk)
        result = ConnectionTestResult(
            ConnectionStatus.ERROR,
            gettext("Quipu answered, but with an error we did not expect. Try again later."),
        )
    else:
        result = ConnectionTestResult(
            ConnectionStatus.OK, gettext("Connected: Quipu answered and the credentials work.")
        )
    connection.last_tested_at = timezone.now()
    connection.last_test_status = result.status
    connection.last_test_message = result.message
    connection.save(update_fields=["last_tested_at", "last_test_status", "last_test_message"])
    logger.info("Connection %s tested: %s", connection.pk, result.status)
    return result


# The last client used (kept in the session, for old URLs and the home page) ----------------------


def active_connection_get(request: HttpRequest) -> Connection | None:
    """The client last used (opened or chosen in the sidebar); the most recently used one if none.

    Only for pages without a client in their URL (home, old URLs); a client's pages use the URL's."""
    if hasattr(request, "_active_connection"):
        return request._active_connection
    connection = None
    if request.user.is_authenticated:
        connections = connection_list(owner=request.user)
        chosen_id = request.session.get(ACTIVE_CONNECTION_SESSION_KEY)
        if chosen_id is not None:
            connection = connections.filter(pk=chosen_id).first()
        if connection is None:
            connection = connections.order_by(F("last_used_at").desc(nulls_last=True), "-created_at").first()
            _remember(request, connection)
    request._active_connection = connection
    return connection


def active_connection_set(request: HttpRequest, connection: Connection) -> None:
    if connection.owner_id != request.user.pk:
        raise Http404("No such connection.")
    _remember(request, connection)
    request._active_connection = connection
    _reference_warm_later(connection)


def active_connection_remember(request: HttpRequest, connection: Connection) -> None:
    """The client of the page being opened becomes the last one used (old URLs and home go there)."""
    if request.session.get(ACTIVE_CONNECTION_SESSION_KEY) != connection.pk:
        _remember(request, connection)


def _reference_warm_later(connection: Connection) -> None:
    """Have the reference data the first pages need fetched in the background (by the jobs app)."""
    reference_data_wanted.send(sender=Connection, connection=connection)


def _remember(request: HttpRequest, connection: Connection | None) -> None:
    if connection is None:
        request.session.pop(ACTIVE_CONNECTION_SESSION_KEY, None)
    else:
        request.session[ACTIVE_CONNECTION_SESSION_KEY] = connection.pk
