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

While the store is away, each missing connection is retried every ``RECONNECT_MAX_DELAY_S`` at
most (psycopg_pool doubles its wait from 1 s without bound: after a 30 s outage a replica waited
30 s more before its next attempt); the store is asked about once a second or two per missing
connection, never in a tight loop.

Connections of a replica, at most: ``DATABASE_POOL_SIZE`` + 2 (lock, LISTEN); while idle:
``DATABASE_POOL_MIN`` + 2 (docs/operations.md, Connections).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

from eventsourcing.postgres import ConnectionPool, PostgresDatastore
from psycopg_pool.base import AttemptWithBackoff

from .settings import ServiceSettings

#: the role-level value (eventsourcing's per-session default is 5 s too)
IDLE_IN_TRANSACTION_TIMEOUT = "5s"
#: the longest wait between two attempts to reconnect to a store that is away
RECONNECT_MAX_DELAY_S = 2.0


class BoundedBackoff(AttemptWithBackoff):
    """psycopg_pool's reconnection backoff (1 s, doubling, jittered), capped."""

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, RECONNECT_MAX_DELAY_S)


class StorePool(ConnectionPool[Any]):
    """eventsourcing's pool whose reconnection attempts follow :class:`BoundedBackoff`, so a
    replica serves again within ``RECONNECT_MAX_DELAY_S`` of its store's return, whatever the
    outage's length."""

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        # the same attempt object is handed to every retry, so the cap holds for all of them
        super()._add_connection(attempt or BoundedBackoff(timeout=self.reconnect_timeout), growing)


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
    datastore.pool = StorePool(
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
