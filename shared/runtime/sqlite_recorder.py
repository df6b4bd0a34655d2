"""The embedded SQLite recorder (no ``DATABASE_URL``): eventsourcing's, with the request's
idempotency marker written in the same transaction as the events (as pg_recorder.py does on
PostgreSQL; :mod:`.request_outcomes`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder

from .pg_recorder import CREATE_MARKERS
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
