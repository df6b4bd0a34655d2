"""Tamper evidence: a keyed hash chain over a store's notification log.

The outbox relay (single leader per store, walking the log in order) extends the chain for every
event it reads, before recording its position: one row per event in ``event_chain``::

    chain_hash = HMAC-SHA256(key, prev_hash || id || originator_id || version || topic || state)

The key is derived from ``PERSONAL_DATA_MASTER_KEY`` (HKDF, purpose ``event-chain``): someone who
can write the database but not read the services' secrets cannot recompute a valid chain.
:meth:`EventChain.verify` recomputes the chain and names every row where it breaks (an event
altered, removed, inserted or reordered after it was chained).

Not protected: events not yet chained (newer than the relay's position), removal of the last
events together with their chain rows (publish :meth:`EventChain.head` elsewhere to anchor it),
snapshots and tracking records (derived data: the replay check covers snapshots), and anyone
holding the master key.

>>> app.chain.verify(app.process_recorder).ok   # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.persistence import ApplicationRecorder, Notification

from .sql import SqlStore

BATCH = 500
INSERT_LINKS = (
    "INSERT INTO {schema}event_chain (notification_id, chain_hash) VALUES (%s, %s)"
    " ON CONFLICT (notification_id) DO NOTHING"
)


def chain_key(master_key: bytes) -> bytes:
    """The chain's HMAC key, derived from the personal-data master key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"event-chain").derive(
        master_key
    )


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain does not hold: ``kind`` is altered, removed or unchained."""

    notification_id: int
    kind: str
    originator_id: str | None = None
    originator_version: int | None = None
    topic: str | None = None

    def describe(self) -> str:
        where = f"notification {self.notification_id}"
        if self.originator_id:
            where += f" ({self.topic} {self.originator_id} v{self.originator_version})"
        return {
            "altered": f"{where}: event or chain altered (hash does not match)",
            "removed": f"{where}: event removed (chained, no longer in the log)",
            "unchained": f"{where}: event inserted (in the log, never chained)",
        }[self.kind]


@dataclass
class ChainReport:
    checked: int = 0
    pending: int = 0  # events after the chain's head (not yet read by the relay)
    head: str | None = None
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


class EventChain:
    """The ``event_chain`` table of one store, next to eventsourcing's tables."""

    def __init__(self, sql: SqlStore, key: bytes, name: str):
        self.sql = sql
        self.key = key
        self.genesis = hmac.new(key, b"genesis:" + name.encode(), hashlib.sha256).hexdigest()
        self.sql.execute(
            "CREATE TABLE IF NOT EXISTS {schema}event_chain ("
            " notification_id BIGINT PRIMARY KEY, chain_hash TEXT NOT NULL)"
        )
        self._last: tuple[int, str] | None = None

    def link(self, previous: str, notification: Notification) -> str:
        """The chain hash of ``notification`` after ``previous``."""
        topic = notification.topic.encode()
        state = notification.state
        if isinstance(state, str):  # a BLOB rewritten as text (SQLite): still compared
            state = state.encode()
        message = b"".join(
            (
                bytes.fromhex(previous),
                notification.id.to_bytes(8, "big"),
                notification.originator_id.bytes,  # type: ignore[union-attr]
                int(notification.originator_version).to_bytes(8, "big"),
                len(topic).to_bytes(4, "big"),
                topic,
                bytes(state),
            )
        )
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def head(self) -> tuple[int, str]:
        """(last chained notification id, its hash); (0, genesis) for an empty chain."""
        rows = self.sql.execute(
            "SELECT notification_id, chain_hash FROM {schema}event_chain"
            " ORDER BY notification_id DESC LIMIT 1"
        )
        return (int(rows[0][0]), str(rows[0][1])) if rows else (0, self.genesis)

    # --- writing (the relay) ------------------------------------------------------------

    def extend(
        self, recorder: ApplicationRecorder, notifications: Sequence[Notification], after: int
    ) -> None:
        """Chains ``notifications`` (the log right after position ``after``, in order)."""
        rows = self.links(recorder, notifications, after)
        self.sql.execute_many(INSERT_LINKS, rows)
        self.linked(rows)

    def links(
        self, recorder: ApplicationRecorder, notifications: Sequence[Notification], after: int
    ) -> list[tuple[int, str]]:
        """The chain rows of ``notifications`` (the log right after position ``after``), to
        be written with :data:`INSERT_LINKS`, then passed to :meth:`linked`.

        The relay writes them in the transaction that records its position. If the chain is
        behind ``after`` (a store older than the chain), it first catches up from the log;
        rows already chained (a batch re-read after a crash) are skipped.
        """
        last_id, last_hash = self._last or self.head()
        if last_id < after:
            for batch in _batches(recorder, last_id, upto=after):
                caught_up = self._rows(last_id, last_hash, batch)
                self.sql.execute_many(INSERT_LINKS, caught_up)
                if caught_up:
                    last_id, last_hash = caught_up[-1]
            self._last = (last_id, last_hash)
        return self._rows(last_id, last_hash, notifications)

    def linked(self, rows: Sequence[tuple[int, str]]) -> None:
        """The rows from :meth:`links` are committed: the chain's head moves to the last."""
        if rows:
            self._last = rows[-1]

    def _rows(
        self, last_id: int, last_hash: str, notifications: Sequence[Notification]
    ) -> list[tuple[int, str]]:
        rows = []
        for notification in notifications:
            if notification.id <= last_id:
                continue
            last_hash = self.link(last_hash, notification)
            last_id = notification.id
            rows.append((last_id, last_hash))
        return rows

    def forget_position(self) -> None:
        """Re-reads the head from the table next time (another leader may have extended it)."""
        self._last = None

    # --- checking (the audit tool) ------------------------------------------------------

    def verify(self, recorder: ApplicationRecorder) -> ChainReport:
        """Recomputes the whole chain against the log; every break is named."""
        report = ChainReport()
        head_id, report.head = self.head()
        previous = self.genesis
        chained = self._chained_rows(upto=head_id)  # the relay may extend it meanwhile
        log = (n for batch in _batches(recorder, 0) for n in batch)
        row = next(chained, None)
        event = next(log, None)
        while row is not None or event is not None:
            if event is not None and event.id > head_id:
                report.pending += 1
                event = next(log, None)
                continue
            if row is not None and (event is None or row[0] < event.id):
                report.breaks.append(ChainBreak(row[0], "removed"))
                previous, row = row[1], next(chained, None)
                continue
            assert event is not None
            if row is None or event.id < row[0]:
                report.breaks.append(_break(event, "unchained"))
                event = next(log, None)
                continue
            report.checked += 1
            if self.link(previous, event) != row[1]:
                report.breaks.append(_break(event, "altered"))
            previous = row[1]
            row, event = next(chained, None), next(log, None)
        return report

    def _chained_rows(self, upto: int) -> Iterator[tuple[int, str]]:
        after = 0
        while True:
            rows = self.sql.execute(
                "SELECT notification_id, chain_hash FROM {schema}event_chain"
                " WHERE notification_id > %s AND notification_id <= %s"
                " ORDER BY notification_id LIMIT %s",
                (after, upto, BATCH),
            )
            for notification_id, chain_hash in rows:
                yield int(notification_id), str(chain_hash)
            if len(rows) < BATCH:
                return
            after = int(rows[-1][0])


def _break(notification: Notification, kind: str) -> ChainBreak:
    return ChainBreak(
        notification.id,
        kind,
        str(notification.originator_id),
        int(notification.originator_version),
        notification.topic,
    )


def _batches(
    recorder: ApplicationRecorder, after: int, upto: int | None = None
) -> Iterator[Sequence[Notification]]:
    while True:
        batch = recorder.select_notifications(
            start=after, limit=BATCH, stop=upto, inclusive_of_start=False
        )
        if batch:
            yield batch
        if len(batch) < BATCH:
            return
        after = batch[-1].id
