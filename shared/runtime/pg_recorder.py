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

eventsourcing's own ``POSTGRES_ENABLE_DB_FUNCTIONS`` is not that: its function takes no table
lock and ignores tracking, so it is not used.
"""

from __future__ import annotations

import time
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
from psycopg.sql import SQL, Identifier

from .request_outcomes import MARKER_KWARG, MARKERS_TABLE, MarkerRow

FUNCTION = "caf_record_events"

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
