"""The embedded SQLite recorder (no ``DATABASE_URL``): eventsourcing's, with the request's
idempotency marker written in the same transaction as the events (as pg_recorder.py does on
PostgreSQL; :mod:`.request_outcomes`), and the same answers to several aggregates' reads
(:mod:`.reads_together`), one aggregate after the other: a statement costs no round trip here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import AggregateRecorder, StoredEvent
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder

from .pg_recorder import CREATE_MARKERS
from .reads_together import Held, Newer, select_newer_events_one_by_one
from .request_outcomes import MARKER_KWARG, MARKERS_TABLE, MarkerRow


class MarkingProcessRecorder(SQLiteProcessRecorder):
    def construct_create_table_statements(self) -> list[str]:
        markers = CREATE_MARKERS.format(table=MARKERS_TABLE)
        return [*super().construct_create_table_statements(), markers]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        marker: MarkerRow | None = kwargs.get(MARKER_KWARG)
        if marker is not None:  # a marker already there: IntegrityError, nothing written
            c.execute(
                f"INSERT INTO {MARKERS_TABLE} (marker_id, action, answer, recorded_at)"
                " VALUES (?, ?, ?, ?)",
                (str(marker.marker_id), marker.action, marker.answer_json, marker.recorded_at_text),
            )
        return super()._insert_events(c, stored_events, **kwargs)

    def select_newer_events(
        self, held: Sequence[Held], snapshots: AggregateRecorder | None
    ) -> dict[uuid.UUID, Newer]:
        return select_newer_events_one_by_one(self, held, snapshots)
