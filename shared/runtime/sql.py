"""A few statements of our own next to eventsourcing's tables, on PostgreSQL or SQLite.

Written with ``%s`` placeholders and ``{schema}`` table prefixes; the SQLite dialect rewrites
both. Used by the personal-data key vault and the exact tracking look-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder


class SqlStore:
    def __init__(self, recorder: ApplicationRecorder):
        self.datastore: Any = recorder.datastore  # type: ignore[attr-defined]
        self.is_postgres = type(recorder).__module__.startswith("eventsourcing.postgres")
        self.prefix = f'"{self.datastore.schema}".' if self.is_postgres else ""
        self.tracking_table = self.prefix + getattr(recorder, "tracking_table_name", "tracking")
        self.events_table = self.prefix + getattr(recorder, "events_table_name", "stored_events")

    def _sql(self, statement: str) -> str:
        statement = statement.replace("{schema}", self.prefix)
        if not self.is_postgres:
            statement = statement.replace("%s", "?").replace("BYTEA", "BLOB")
        return statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one statement in its own committed transaction; returns the rows, if any."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._sql(statement), tuple(params))
            try:
                rows = cursor.fetchall()
            except Exception:  # statements without a result set
                return []
        return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows or []]

    def execute_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """Runs one statement for each row, all in one committed transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.executemany(self._sql(statement), [tuple(row) for row in rows])
