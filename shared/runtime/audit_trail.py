"""The audit trail of a store: who ran which audit command on it, when, about whom.

Staff access to personal data must be traceable: the audit tool (``python -m audit``) appends
one row to ``audit_commands`` in every store a command opens, before it reads anything there,
and refuses to read a store whose trail it cannot write. The row sits next to the data it is
about, so it shares that store's backups and retention; the audit and erasure database roles
may insert into it but neither change nor delete it (``grant_audit_roles``).

A person appears only as a keyed pseudonym (``person_key``: the ``identifier_key`` the events
carry, HMAC-SHA256 under ``PSEUDONYM_KEY``), never as a NIR or a name.

>>> app.audit_trail.record(TrailEntry("dpo.martin", "timeline", "3f1c…"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .sql import SqlStore

TABLE = "audit_commands"


@dataclass(frozen=True)
class TrailEntry:
    operator: str  # who: the person running the command (AUDIT_OPERATOR), never a shared account
    command: str  # replay-check, timeline, erase, ...
    person_key: str | None = None  # about whom: a keyed pseudonym, or None (whole-store checks)
    reason: str = ""  # why: the request or ticket it answers (AUDIT_REASON)
    details: dict[str, Any] = field(default_factory=dict)  # the other, non-personal arguments


class AuditTrail:
    """The ``audit_commands`` table of one store (created with the store's other tables)."""

    def __init__(self, sql: SqlStore):
        self.sql = sql
        self.sql.execute(
            f"CREATE TABLE IF NOT EXISTS {{schema}}{TABLE} ("
            " at TEXT NOT NULL, operator TEXT NOT NULL, command TEXT NOT NULL,"
            " person_key TEXT, reason TEXT NOT NULL, details TEXT NOT NULL)"
        )

    def record(self, entry: TrailEntry, at: datetime | None = None) -> None:
        when = (at or datetime.now(UTC)).isoformat(timespec="milliseconds")
        self.sql.execute(
            f"INSERT INTO {{schema}}{TABLE} (at, operator, command, person_key, reason, details)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (
                when,
                entry.operator,
                entry.command,
                entry.person_key,
                entry.reason,
                json.dumps(entry.details, sort_keys=True),
            ),
        )

    def entries(self, person_key: str | None = None) -> list[tuple[str, TrailEntry]]:
        """(when, entry) of every recorded command, oldest first; only those about
        ``person_key`` if given."""
        statement = (
            f"SELECT at, operator, command, person_key, reason, details FROM {{schema}}{TABLE}"
        )
        params: tuple[str, ...] = ()
        if person_key is not None:
            statement += " WHERE person_key = %s"
            params = (person_key,)
        rows = self.sql.execute(statement + " ORDER BY at", params)
        return [
            (at, TrailEntry(operator, command, key, reason, json.loads(details)))
            for at, operator, command, key, reason, details in rows
        ]


def grant_audit_roles(
    database_url: str, schema: str, audit: str | None, erasure: str | None
) -> None:
    """Gives the audit role read access to the store's tables and the erasure role what an
    erasure writes (the per-person keys); both may append to the trail, neither may change it.
    Run by the migration (``runner --migrate-only``) after the tables exist, so tables added
    by a release are granted at its deployment."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        for role in (r for r in (audit, erasure) if r):
            conn.execute(
                sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                    sql.Identifier(schema), sql.Identifier(role)
                )
            )
            conn.execute(
                sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
                    sql.Identifier(schema), sql.Identifier(role)
                )
            )
            conn.execute(
                sql.SQL("GRANT INSERT ON {}.{} TO {}").format(
                    sql.Identifier(schema), sql.Identifier(TABLE), sql.Identifier(role)
                )
            )
        if erasure:
            conn.execute(
                sql.SQL("GRANT INSERT, UPDATE ON {}.personal_data_keys TO {}").format(
                    sql.Identifier(schema), sql.Identifier(erasure)
                )
            )
