"""The delivery board: which deliveries are due, and whose they are, folded from the store.

A read model of the notification log (Delivery events only), kept in two tables of the
service's own store next to its events: ``delivery_board`` (one row per delivery: its account,
when to look at it again, whether its sealed payload still awaits erasure) and
``delivery_board_position`` (the last event folded). It is caught up before each use, so it
also sees what other replicas recorded, and it survives restarts: a new process folds only the
events recorded since, instead of the whole log, and holds nothing in memory.

Replicas may fold the same events at the same time: each row remembers the position of the last
event folded into it and takes only later ones, and the position only moves forward, so the
result is the same whoever folds first. The store stays the truth; the board just says where to
look (``python -m audit replay-check`` compares the two).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    ProcessRecorder,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from shared.runtime.personal_data import PersonalData
from shared.runtime.sql import SqlStore

from .domain import Delivery

BATCH = 500

_TABLES = (
    "CREATE TABLE IF NOT EXISTS {schema}delivery_board ("
    " delivery_id TEXT PRIMARY KEY, account_id TEXT, due_at TEXT,"
    " unerased INTEGER NOT NULL DEFAULT 0, requested_position BIGINT NOT NULL,"
    " position BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS delivery_board_due ON {schema}delivery_board (due_at)",
    "CREATE INDEX IF NOT EXISTS delivery_board_account"
    " ON {schema}delivery_board (account_id, requested_position)",
    # every sending loop asks for these: a few rows among all the finished ones
    "CREATE INDEX IF NOT EXISTS delivery_board_unerased"
    " ON {schema}delivery_board (delivery_id) WHERE unerased = 1",
    "CREATE TABLE IF NOT EXISTS {schema}delivery_board_position ("
    " name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    "INSERT INTO {schema}delivery_board_position (name, position) VALUES ('board', 0)"
    " ON CONFLICT (name) DO NOTHING",
)
_REQUESTED = (
    "INSERT INTO {schema}delivery_board"
    " (delivery_id, account_id, due_at, unerased, requested_position, position)"
    " VALUES (%s, %s, %s, 0, %s, %s) ON CONFLICT (delivery_id) DO NOTHING"
)
_DUE_AGAIN = (
    "UPDATE {schema}delivery_board SET due_at = %s, position = %s"
    " WHERE delivery_id = %s AND position < %s"
)
_FINISHED = (
    "UPDATE {schema}delivery_board SET due_at = NULL, unerased = 1, position = %s"
    " WHERE delivery_id = %s AND position < %s"
)
_ERASED = (
    "UPDATE {schema}delivery_board SET unerased = 0, position = %s"
    " WHERE delivery_id = %s AND position < %s"
)
_MOVE_ON = (
    "UPDATE {schema}delivery_board_position SET position = %s"
    " WHERE name = 'board' AND position < %s"
)


class DeliveryBoard:
    def __init__(self, sql: SqlStore, recorder: ProcessRecorder) -> None:
        self.sql = sql
        self.recorder = recorder
        self._mapper = _mapper_without_personal_data()
        self._topics = [get_topic(cls) for cls in _FOLDED]
        self._lock = threading.Lock()
        if not self.sql.read_only:  # the audit's read-only role finds the tables made
            for statement in _TABLES:
                self.sql.execute(statement)

    @property
    def position(self) -> int:
        """The last notification folded into the board (by any process)."""
        return int(
            self.sql.execute(
                "SELECT position FROM {schema}delivery_board_position WHERE name = 'board'"
            )[0][0]
        )

    def catch_up(self) -> None:
        """Folds the Delivery events recorded since the board's position (by any replica)."""
        with self._lock:
            position = self.position
            while True:
                notifications = self.recorder.select_notifications(
                    start=position, limit=BATCH, topics=self._topics, inclusive_of_start=False
                )
                if not notifications:
                    return
                writes = [
                    write
                    for notification in notifications
                    if (
                        write := _write(self._mapper.to_domain_event(notification), notification.id)
                    )
                ]
                position = notifications[-1].id
                self.sql.execute_batches([*writes, (_MOVE_ON, [(position, position)])])
                if len(notifications) < BATCH:
                    return

    def due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Deliveries to look at now, the longest waiting first."""
        rows = self.sql.execute(
            "SELECT delivery_id FROM {schema}delivery_board"
            " WHERE due_at IS NOT NULL AND due_at <= %s ORDER BY due_at LIMIT %s",
            (_text(now), limit),
        )
        return [uuid.UUID(row[0]) for row in rows]

    def deliveries_of(self, account_id: uuid.UUID) -> list[uuid.UUID]:
        """An account's deliveries, in the order they were requested."""
        rows = self.sql.execute(
            "SELECT delivery_id FROM {schema}delivery_board WHERE account_id = %s"
            " ORDER BY requested_position",
            (str(account_id),),
        )
        return [uuid.UUID(row[0]) for row in rows]

    @property
    def unerased(self) -> set[uuid.UUID]:
        """Finished deliveries whose sealed payload is not erased yet."""
        rows = self.sql.execute("SELECT delivery_id FROM {schema}delivery_board WHERE unerased = 1")
        return {uuid.UUID(row[0]) for row in rows}

    @property
    def due_at(self) -> dict[uuid.UUID, datetime]:
        """Every unfinished delivery and when to look at it again (for audits)."""
        rows = self.sql.execute(
            "SELECT delivery_id, due_at FROM {schema}delivery_board WHERE due_at IS NOT NULL"
        )
        return {uuid.UUID(row[0]): datetime.fromisoformat(row[1]) for row in rows}

    @property
    def by_account(self) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Every account's deliveries, in the order they were requested (for audits)."""
        rows = self.sql.execute(
            "SELECT account_id, delivery_id FROM {schema}delivery_board"
            " WHERE account_id IS NOT NULL ORDER BY requested_position"
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = {}
        for account_id, delivery_id in rows:
            found.setdefault(uuid.UUID(account_id), []).append(uuid.UUID(delivery_id))
        return found


def _write(event: Any, position: int) -> tuple[str, Sequence[Sequence[Any]]] | None:
    """The statement folding one event into its delivery's row (None: nothing to fold)."""
    delivery_id = str(event.originator_id)
    if isinstance(event, Delivery.Requested):
        account = str(event.account_id) if event.account_id is not None else None
        return _REQUESTED, [(delivery_id, account, _text(event.requested_at), position, position)]
    if isinstance(event, Delivery.AttemptStarted):  # looked at again if never concluded
        return _DUE_AGAIN, [(_text(event.lease_until), position, delivery_id, position)]
    if isinstance(event, Delivery.Failed):
        return _DUE_AGAIN, [(_text(event.next_attempt_at), position, delivery_id, position)]
    if isinstance(event, Delivery.Sent | Delivery.GivenUp):
        return _FINISHED, [(position, delivery_id, position)]
    if isinstance(event, Delivery.SealedMessageErased):
        return _ERASED, [(position, delivery_id, position)]
    return None


def _text(moment: datetime) -> str:
    """UTC, fixed width: the text order is the time order (PostgreSQL and SQLite alike)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_FOLDED = (
    Delivery.Requested,
    Delivery.AttemptStarted,
    Delivery.Failed,
    Delivery.Sent,
    Delivery.GivenUp,
    Delivery.SealedMessageErased,
)


class _PersonalDataUnread(Transcoding):
    """The board never needs personal data: it is not decrypted (no key lookup at all)."""

    type = PersonalData
    name = "personal_data"

    def encode(self, obj: PersonalData) -> Any:
        raise TypeError("the delivery board never writes")

    def decode(self, data: Any) -> PersonalData:
        return PersonalData.erased_for(uuid.UUID(hex=data["s"]))


def _mapper_without_personal_data() -> Mapper[uuid.UUID]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), _PersonalDataUnread()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)
