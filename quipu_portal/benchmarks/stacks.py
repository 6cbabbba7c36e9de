"""The stacks ``manage.py benchmark`` runs on.

- ``embedded``: SQLite in the benchmark's temporary folder and django-q2's ORM broker, whatever
  ``DATABASE_URL`` / ``REDIS_URL`` say.
- ``production``: PostgreSQL, Redis and the Redis broker, as the production settings use them. The
  server comes from ``DATABASE_URL``: the benchmark creates its own database next to the one named
  there (``<name>_benchmark``) and drops it at the end. Redis is ``REDIS_URL`` as given; the benchmark's
  keys carry their own prefix and its cluster its own name, so a portal using the same Redis database
  is not disturbed, and nothing is ever flushed.

Every process of one run gets the same secret key and encryption key, as the machines of a real
deployment do.
"""

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

STACKS = ("embedded", "production")
# Variables of the caller's stack that must not leak into the benchmark's.
STACK_VARIABLES = ("DATABASE_URL", "REDIS_URL", "Q_BROKER", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_KEY_PREFIX")
CACHE_PREFIX = "quipu_benchmark"


class StackError(Exception):
    """The chosen stack cannot run here (a variable missing); the message says what to set."""


@dataclass
class Stack:
    name: str
    env: dict = field(default_factory=dict)
    description: str = ""
    database: tuple[str, str] | None = None  # (server URL, benchmark database) to drop at the end

    def drop(self) -> None:
        if self.database:
            _database_drop(*self.database)


def stack_prepare(name: str) -> Stack:
    """The variables of the chosen stack for every process of the run; creates what it needs."""
    keys = {"SECRET_KEY": get_random_secret_key(), "QUIPU_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    if name == "embedded":
        return Stack(name, env=keys, description="SQLite, django-q2's ORM broker, the database cache")
    url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql") or not redis_url:
        raise StackError(
            "--stack production needs DATABASE_URL (a PostgreSQL server; the benchmark creates and drops "
            "a database <name>_benchmark there) and REDIS_URL (a Redis database; nothing is flushed)."
        )
    parts = urlsplit(url)
    database = f"{parts.path.lstrip('/') or 'quipu_portal'}_benchmark"
    try:
        _database_recreate(url, database)
    except Exception as error:  # psycopg's errors: server down, no right to create a database…
        raise StackError(f"Cannot create the database {database} on DATABASE_URL's server: {error}") from None
    return Stack(
        name,
        env={
            **keys,
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{database}")),
            "REDIS_URL": redis_url,
            "Q_BROKER": "redis",
            "CACHE_KEY_PREFIX": CACHE_PREFIX,
        },
        description=f"PostgreSQL (database {database}), Redis, django-q2's Redis broker",
        database=(url, database),
    )


def _maintenance(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), autocommit=True)


def _database_recreate(url: str, database: str) -> None:
    from psycopg import sql

    with _maintenance(url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def _database_drop(url: str, database: str) -> None:
    from psycopg import sql

    with _maintenance(url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
