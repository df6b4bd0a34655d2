"""A few statements of our own next to eventsourcing's tables, on PostgreSQL or SQLite.

Written with ``%s`` placeholders and ``{schema}`` table prefixes; the SQLite dialect rewrites
both. Used by the personal-data key vault, the event chain, the relay's progress and the exact
tracking look-up.

Pooled connections are not pinged before use (one round trip saved per statement): a
connection the server dropped fails on use, the pool discards it, and the statement is run
again on a fresh one. Every statement run here is idempotent (``ON CONFLICT``, reads), so a
retry after an ambiguous failure is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry

#: a dropped connection is replaced by the pool and the statement run again on a fresh one
retry_on_lost_connection = retry((InterfaceError, OperationalError), max_attempts=5, wait=0.2)


class SqlStore:
    """``read_only``: table definitions (``CREATE ...``) are skipped, the tables must exist (the
    audit Job's role may not create them); any other write fails on the role's rights."""

    def __init__(self, recorder: ApplicationRecorder, read_only: bool = False):
        self.read_only = read_only
        self.datastore: Any = recorder.datastore  # type: ignore[attr-defined]
        self.is_postgres = isinstance(self.datastore, PostgresDatastore)
        self.prefix = f'"{self.datastore.schema}".' if self.is_postgres else ""
        self.tracking_table = self.prefix + getattr(recorder, "tracking_table_name", "tracking")
        self.events_table = self.prefix + getattr(recorder, "events_table_name", "stored_events")

    def _sql(self, statement: str) -> str:
        statement = statement.replace("{schema}", self.prefix)
        if not self.is_postgres:
            statement = statement.replace("%s", "?").replace("BYTEA", "BLOB")
        return statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one statement in its own committed transaction; returns the rows, if any.

        ``CREATE … IF NOT EXISTS`` met by another replica's same creation (PostgreSQL then
        fails one of them on its catalogue's unique index) is run once more: it finds the
        object made, and the replica starts."""
        if self.read_only and statement.lstrip().upper().startswith("CREATE "):
            return []
        try:
            return self._execute(statement, params)
        except (IntegrityError, ProgrammingError):  # a unique index, or "already exists"
            if not _creates_if_absent(statement):
                raise
            return self._execute(statement, params)

    @retry_on_lost_connection
    def _execute(self, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        if self.is_postgres:  # autocommit connections: one statement, one round trip
            with self.datastore.get_connection() as conn:
                cursor = conn.execute(self._sql(statement), tuple(params))
                rows = cursor.fetchall() if cursor.description else []
        else:
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(self._sql(statement), tuple(params))
                try:
                    rows = cursor.fetchall()
                except Exception:  # statements without a result set
                    return []
        return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows or []]

    def execute_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """Runs one statement for each row, all in one committed transaction."""
        self.execute_batches([(statement, rows)])

    @retry_on_lost_connection
    def execute_batches(self, batches: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        """Runs each (statement, rows) for its rows, all in one committed transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            for statement, rows in batches:
                if rows:
                    cursor.executemany(self._sql(statement), [tuple(row) for row in rows])


def _creates_if_absent(statement: str) -> bool:
    words = statement.upper().split()
    return bool(words) and words[0] == "CREATE" and "IF NOT EXISTS" in " ".join(words[:6])
