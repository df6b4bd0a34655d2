"""The PostgreSQL recorder of every service store: one round trip per write.

eventsourcing's recorder writes a transaction as a pipeline of statements (begin, lock timeout,
``LOCK TABLE``, ``NOTIFY``, the tracking row, the insert, commit): about fifteen waits on the
socket, each one a trip through the eventlet hub, while the table lock is held. This recorder
makes the same transaction one statement, a call to a function created beside the tables:

- the same ``EXCLUSIVE`` table lock, so notification ids are still committed in order (a reader
  of the log never passes a gap that fills in later), and the same ``NOTIFY``; neither for a
  save with no event (a tracking record or a marker alone, such as lockout's settlement of a
  check already settled): nothing to order, and no relay woken for nothing (issue #28);
- the tracking row of :meth:`ServiceApplication.process` in the same transaction (exactly-once);
- the same conflicts: a version already taken raises ``IntegrityError``;
- the request's idempotency marker (``request_markers``, :mod:`.request_outcomes`) in the same
  transaction: a marker already there raises ``IntegrityError`` too (a twin delivery won).

It reads several aggregates' newer events, and the snapshots of those not held, in one
statement too (:meth:`OneTripProcessRecorder.select_newer_events`, :mod:`.reads_together`).

eventsourcing's own ``POSTGRES_ENABLE_DB_FUNCTIONS`` is not that: its function takes no table
lock and ignores tracking, so it is not used.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresProcessRecorder,
)
from eventsourcing.utils import retry
from psycopg.errors import DuplicateObject, DuplicateTable
from psycopg.sql import SQL, Composed, Identifier
from psycopg.types.numeric import Int8

from .reads_together import Held, Newer
from .request_outcomes import MARKER_KWARG, MARKERS_TABLE, MarkerRow

FUNCTION = "caf_record_events"

#: the events after the version held (or after the latest snapshot, for an aggregate not held)
#: of several aggregates: ``held`` lists their ids and versions (NULL: not held)
SELECT_NEWER = (
    "WITH held AS ("
    " SELECT * FROM unnest(%s::uuid[], %s::bigint[]) AS held (originator_id, version)),"
    " snapshot AS ("
    "  SELECT latest.* FROM held CROSS JOIN LATERAL ("
    "   SELECT s.originator_id, s.originator_version, s.topic, s.state FROM {schema}.{snapshots} s"
    "   WHERE s.originator_id = held.originator_id AND held.version IS NULL"
    "   ORDER BY s.originator_version DESC LIMIT 1) latest)"
    " SELECT true AS is_snapshot, * FROM snapshot"
    " UNION ALL"
    " SELECT false, e.originator_id, e.originator_version, e.topic, e.state"
    " FROM held LEFT JOIN snapshot USING (originator_id)"
    " JOIN {schema}.{events} e ON e.originator_id = held.originator_id"
    " AND e.originator_version > coalesce(held.version, snapshot.originator_version, 0)"
    " ORDER BY is_snapshot DESC, originator_version"
)
#: the same without a snapshots table (snapshotting off)
SELECT_NEWER_NO_SNAPSHOTS = (
    "SELECT false AS is_snapshot, e.originator_id, e.originator_version, e.topic, e.state"
    " FROM unnest(%s::uuid[], %s::bigint[]) AS held (originator_id, version)"
    " JOIN {schema}.{events} e ON e.originator_id = held.originator_id"
    " AND e.originator_version > coalesce(held.version, 0)"
    " ORDER BY originator_version"
)

#: the markers table, the same on SQLite (sqlite_recorder.py)
CREATE_MARKERS = (
    "CREATE TABLE IF NOT EXISTS {table} ("
    " marker_id TEXT PRIMARY KEY, action TEXT NOT NULL, answer TEXT,"
    " recorded_at TEXT NOT NULL)"
)


class OneTripProcessRecorder(PostgresProcessRecorder):
    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ):
        super().__init__(
            datastore,
            events_table_name=events_table_name,
            tracking_table_name=tracking_table_name,
        )
        names = {
            "schema": Identifier(datastore.schema),
            "function": Identifier(FUNCTION),
            "events": Identifier(self.events_table_name),
            "tracking": Identifier(self.tracking_table_name),
            "event_type": Identifier(self.stored_event_type_name),
            "channel": Identifier(self.channel_name),
            "markers": Identifier(MARKERS_TABLE),
        }
        self.sql_create_statements.append(
            SQL(CREATE_MARKERS.format(table="{schema}.{markers}")).format(**names)
        )
        # the marker is written before the lock: a twin delivery fails on it without waiting
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                " new_events {schema}.{event_type}[], tracking_name text, tracking_id bigint,"
                " new_marker text, new_marker_action text, new_marker_answer text,"
                " new_marker_at text)"
                " RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$"
                " BEGIN"
                "  SET LOCAL lock_timeout = '{lock_timeout}s';"
                "  IF new_marker IS NOT NULL THEN"
                "   INSERT INTO {schema}.{markers} (marker_id, action, answer, recorded_at)"
                "   VALUES (new_marker, new_marker_action, new_marker_answer, new_marker_at);"
                "  END IF;"
                "  IF tracking_name IS NOT NULL THEN"
                "   INSERT INTO {schema}.{tracking} (application_name, notification_id)"
                "   VALUES (tracking_name, tracking_id);"
                "  END IF;"
                "  IF cardinality(new_events) = 0 THEN"
                "   RETURN;"
                "  END IF;"
                "  LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;"
                "  NOTIFY {channel};"
                "  RETURN QUERY"
                "   INSERT INTO {schema}.{events}"
                "    (originator_id, originator_version, topic, state)"
                "   SELECT originator_id, originator_version, topic, state"
                "   FROM unnest(new_events) RETURNING notification_id;"
                " END;"
                " $BODY$"
            ).format(lock_timeout=datastore.lock_timeout, **names)
        )
        self._select_newer: dict[str | None, Composed] = {}
        self.record_statement = SQL(
            "SELECT * FROM {schema}.{function}(%s, %s, %s, %s::text, %s::text, %s::text, %s::text)"
        ).format(**names)

    def create_table(self) -> None:
        create_racing_replicas(super().create_table)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        tracking = kwargs.get("tracking")
        marker: MarkerRow | None = kwargs.get(MARKER_KWARG)
        if not stored_events and tracking is None and marker is None:
            return []  # a save with nothing new: no lock, no statement
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            # autocommit connection: the call is its own transaction, the lock held to its end
            curs.execute(
                self.record_statement,
                (
                    rows,
                    tracking.application_name if tracking else None,
                    tracking.notification_id if tracking else None,
                    *marker_params(marker),
                ),
                prepare=True,
            )
            return [row[FUNCTION] for row in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_newer_events(
        self, held: Sequence[Held], snapshots: Any | None
    ) -> dict[uuid.UUID, Newer]:
        """What the store has beyond what the reader holds of each aggregate, in one statement
        (one state of the store for all: :mod:`.reads_together`)."""
        found: dict[uuid.UUID, Newer] = {}
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            # int8 whatever the values (else int2 or int4: one prepared statement per type)
            versions = [None if h.version is None else Int8(h.version) for h in held]
            curs.execute(
                self.select_newer_statement(snapshots),
                ([h.aggregate_id for h in held], versions),
                prepare=True,
            )
            for row in curs.fetchall():
                aggregate_id: uuid.UUID = row["originator_id"]
                stored = StoredEvent(
                    originator_id=aggregate_id,
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                news = found.setdefault(aggregate_id, Newer(None, []))
                if row["is_snapshot"]:  # first, by the statement's order
                    found[aggregate_id] = news._replace(snapshot=stored)
                else:
                    news.events.append(stored)
        return found

    def select_newer_statement(self, snapshots: Any | None) -> Composed:
        """The statement for this store and its snapshots table (composed once)."""
        table = None if snapshots is None else snapshots.events_table_name
        statement = self._select_newer.get(table)
        if statement is None:
            names = {
                "schema": Identifier(self.datastore.schema),
                "events": Identifier(self.events_table_name),
            }
            if table is None:
                statement = SQL(SELECT_NEWER_NO_SNAPSHOTS).format(**names)
            else:
                statement = SQL(SELECT_NEWER).format(snapshots=Identifier(table), **names)
            self._select_newer[table] = statement
        return statement


def marker_params(marker: MarkerRow | None) -> tuple[str | None, ...]:
    """The marker's columns (all None without a marker)."""
    if marker is None:
        return None, None, None, None
    return str(marker.marker_id), marker.action, marker.answer_json, marker.recorded_at_text


def create_racing_replicas(create: Any) -> None:
    """Replicas starting together on a new store race on the catalogue (``CREATE … IF NOT
    EXISTS`` is not atomic: "tuple concurrently updated", pg_type's unique index, or "relation
    … already exists" when both passed the check): the loser runs it once more, and then finds
    the object there. Any other programming error is raised at once."""
    for attempt in range(5):
        try:
            create()
            return
        except (InternalError, IntegrityError, ProgrammingError) as error:
            lost_the_race = not isinstance(error, ProgrammingError) or isinstance(
                error.__cause__, DuplicateTable | DuplicateObject
            )
            if attempt == 4 or not lost_the_race:
                raise
            time.sleep(0.2 * (attempt + 1))


class SnapshotRecorder(PostgresAggregateRecorder):
    """eventsourcing's recorder of the snapshots table, created as racing replicas may (the
    SIGTERM scenario of tests/faults saw a second identity die at start on ``identity_snapshots``'s
    type, after the events tables had been made safe)."""

    def create_table(self) -> None:
        create_racing_replicas(super().create_table)


class StoreFactory(PostgresFactory):
    """eventsourcing's PostgreSQL factory with :class:`SnapshotRecorder` (``PERSISTENCE_MODULE``
    names this class); the events' recorder stays ``PROCESS_RECORDER_TOPIC``'s."""

    aggregate_recorder_class = SnapshotRecorder
