"""The store's connection pool, sized by need, directly or through PgBouncer.

eventsourcing opens ``POSTGRES_POOL_SIZE`` connections per store at once and keeps them: four
services in one process held 50 idle connections. The pool here keeps ``DATABASE_POOL_MIN``
open, grows to ``DATABASE_POOL_SIZE`` under load and closes what stays unused
``DATABASE_POOL_IDLE_S``.

With ``DATABASE_POOL_URL`` (a PgBouncer in transaction mode, CloudNativePG's ``Pooler``), the
store's connections go through it, and what transaction pooling would break is turned off for
them: server-side prepared statements (psycopg's ``prepare_threshold=None``: PgBouncer before
1.21 cannot carry them between server connections) and the per-session
``SET idle_in_transaction_session_timeout`` (it would stay on a server connection that others
then use; the timeout is set on the database role instead, :func:`set_role_timeout`). The
connections that need a session of their own stay on ``DATABASE_URL``, the read-write service:
the relay's leader lock (a session advisory lock), its ``LISTEN``, and migrations.

Connections of a replica, at most: ``DATABASE_POOL_SIZE`` + 2 (lock, LISTEN); while idle:
``DATABASE_POOL_MIN`` + 2 (docs/operations.md, Connections).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

from eventsourcing.postgres import ConnectionPool, PostgresDatastore

from .settings import ServiceSettings

#: the role-level value (eventsourcing's per-session default is 5 s too)
IDLE_IN_TRANSACTION_TIMEOUT = "5s"


def size_pool(datastore: PostgresDatastore, settings: ServiceSettings) -> None:
    """Replaces the datastore's pool (not opened yet) with one sized by the settings."""
    old = datastore.pool
    assert isinstance(old.kwargs, dict)  # eventsourcing passes a dict
    kwargs: dict[str, Any] = dict(old.kwargs)
    configure: Callable[[Any], None]
    if settings.database_pool_url:
        url = urlparse(settings.database_pool_url)
        kwargs.update(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            dbname=url.path.lstrip("/") or kwargs.get("dbname"),
            user=unquote(url.username or kwargs.get("user") or ""),
            password=unquote(url.password or ""),
            prepare_threshold=None,  # no server-side prepared statement, even when asked
        )
        configure = _autocommit
    else:
        configure = datastore.after_connect_func()
    datastore.pool = ConnectionPool(
        connection_class=old.connection_class,
        kwargs=kwargs,
        min_size=settings.database_pool_min,
        max_size=max(settings.database_pool_size, settings.database_pool_min),
        open=False,
        configure=configure,
        timeout=old.timeout,
        max_idle=settings.database_pool_idle_s,
        max_lifetime=old.max_lifetime,
    )


def set_role_timeout(database_url: str) -> None:
    """Sets ``idle_in_transaction_session_timeout`` on the store's role in its database (the
    sessions PgBouncer opens for it get it, whoever borrows them). Idempotent."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        database = conn.info.dbname
        conn.execute(
            sql.SQL("ALTER ROLE CURRENT_USER IN DATABASE {} SET {} = {}").format(
                sql.Identifier(database),
                sql.Identifier("idle_in_transaction_session_timeout"),
                sql.Literal(IDLE_IN_TRANSACTION_TIMEOUT),
            )
        )


def _autocommit(conn: Any) -> None:
    conn.autocommit = True
