"""The outbox relay: publishes a service's integration events from its store's log.

Nothing is published in a command's code path. The relay reads the notification log after the
last position it recorded, translates each domain event (``app.integration_event``), publishes
it to ``<service>.events`` (routing key = event type), waits for the broker's publisher confirms
of the whole batch, then records the new position as a tracking record (``__relay__``) in the
same store. A crash, a nack or a lost connection before that record republishes the batch:
delivery is at-least-once, consumers make it exactly-once.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Notification
from kombu import Connection, Producer
from nameko.standalone.events import get_event_exchange

from shared import events

from . import metrics
from .chain import INSERT_LINKS
from .confirms import ConfirmedChannel
from .eventstore import CORRELATION_FIELD, RELAY_TRACKING_NAME, ServiceApplication, schema_of
from .leader import AdvisoryLock, FileLock, LeaderLock

log = logging.getLogger(__name__)

_EVENT_ID_NAMESPACE = uuid.UUID("0b5c3f8e-61c4-4c1e-8f0e-7d7b2f6a9e11")


def event_id_for(producer: str, position: int) -> uuid.UUID:
    """The same event always gets the same id, however often it is republished."""
    return uuid.uuid5(_EVENT_ID_NAMESPACE, f"{producer}:{position}")


def leader_lock_for(app: ServiceApplication) -> LeaderLock:
    settings = app.settings
    if settings.database_url:
        schema = schema_of(settings, app.name)
        return AdvisoryLock(settings.database_url, f"relay:{schema}:{app.name}")
    return FileLock(settings.data_dir / f"{app.name}.relay.lock")


class OutboxRelay:
    """Publishes new integration events; ``run()`` loops until ``stop()``.

    >>> relay = OutboxRelay(app, "amqp://guest:guest@127.0.0.1:5672/")   # doctest: +SKIP
    >>> relay.publish_pending()                                          # doctest: +SKIP
    3
    """

    PRUNE_EVERY = 100
    LOCK_CHECK_S = 1.0
    #: a leader seen (this replica, or the lock held by another) less long ago is "present"
    LEADER_SEEN_FOR_S = 5.0
    #: on PostgreSQL the relay is woken by the store's NOTIFY: polling is only a safety net
    LISTENING_POLL_S = 1.0

    def __init__(
        self,
        app: ServiceApplication,
        amqp_uri: str,
        *,
        batch_size: int = 200,
        poll_interval_s: float = 0.02,
        coalesce_s: float = 0.002,
        confirm_timeout_s: float = 10.0,
        lock: LeaderLock | None = None,
        ssl: dict[str, Any] | None = None,
    ):
        self.app = app
        self.amqp_uri = amqp_uri
        self.ssl = ssl  # broker_tls.ssl_options: amqps:// verified
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.coalesce_s = coalesce_s
        self.confirm_timeout_s = confirm_timeout_s
        self.lock = lock or leader_lock_for(app)
        self.exchange = get_event_exchange(app.name, {})
        self.position: int | None = None
        self.published = 0
        self.is_leader = False
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._connection: Connection | None = None
        self._confirms: ConfirmedChannel | None = None
        self._publisher: Producer | None = None
        self._batches = 0
        self._lock_checked_at = 0.0
        self._leader_seen_at: float | None = None
        self._listening = False
        app.on_recorded(self._wake.set)

    # --- one batch ----------------------------------------------------------------------

    def publish_pending(self) -> int:
        """Publishes what the log holds after the recorded position; returns how many."""
        if self.position is None:
            self.position = self.app.process_recorder.max_tracking_id(RELAY_TRACKING_NAME) or 0
        notifications = self.app.process_recorder.select_notifications(
            start=self.position, limit=self.batch_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        log.debug("relay of %s: %d new after %s", self.app.name, len(notifications), self.position)
        try:
            sent = self._publish_confirmed(notifications)
        except BaseException:
            # What the broker got is unknown and the channel's tags are spoilt: reconnect, and
            # the position (not moved) makes the next call publish the whole batch again.
            self._reset_connection()
            raise
        last = notifications[-1].id
        # Chained in the transaction that records the position: one commit per batch, and
        # every position the relay passed is chained.
        links = self.app.chain.links(self.app.process_recorder, notifications, after=self.position)
        self._record_progress(links, last)
        self.app.chain.linked(links)
        self.position = last
        self.published += sent
        metrics.EVENTS_PUBLISHED.labels(service=self.app.name).inc(sent)
        self._batches += 1
        if self._batches % self.PRUNE_EVERY == 0:
            self._prune()
        return sent

    def _publish_confirmed(self, notifications: Sequence[Notification]) -> int:
        """Publishes the batch without waiting, then waits once for the broker's confirms."""
        producer, confirms = self._producer()
        sent = 0
        for notification in notifications:
            message = self._message(notification)
            if message is not None:
                producer.publish(
                    message,
                    exchange=self.exchange,
                    routing_key=message["event_type"],
                    serializer="json",
                    delivery_mode=2,
                    headers={"nameko.correlation_id": message["correlation_id"] or ""},
                    declare=[self.exchange],
                )
                confirms.published()
                sent += 1
        confirms.wait_for_confirms()
        return sent

    def _message(self, notification: Notification) -> dict[str, Any] | None:
        domain_event = self.app.mapper.to_domain_event(notification)
        translated = self.app.integration_event(domain_event)
        if translated is None:
            return None
        event_type, payload = translated
        return events.build(
            event_type,
            payload,
            producer=self.app.name,
            position=notification.id,
            event_id=event_id_for(self.app.name, notification.id),
            occurred_at=getattr(domain_event, "timestamp", None),
            correlation_id=vars(domain_event).get(CORRELATION_FIELD),
        )

    def _producer(self) -> tuple[Producer, ConfirmedChannel]:
        if self._publisher is None or self._confirms is None:
            # No ``confirm_publish`` option: it would wait for an ack after every message.
            self._connection = Connection(self.amqp_uri, heartbeat=0, ssl=self.ssl)
            self._confirms = ConfirmedChannel(self._connection, self.confirm_timeout_s)
            self._publisher = Producer(self._confirms.channel)
        return self._publisher, self._confirms

    def _record_progress(self, links: list[tuple[int, str]], last: int) -> None:
        """The batch's chain rows and the relay's new position, in one transaction (a single
        statement on PostgreSQL). ON CONFLICT: a commit whose answer was lost is retried
        harmlessly."""
        sql = self.app.sql
        insert_position = (
            f"INSERT INTO {sql.tracking_table} (application_name, notification_id)"
            " VALUES (%s, %s) ON CONFLICT DO NOTHING"
        )
        if not sql.is_postgres:
            sql.execute_batches(
                [(INSERT_LINKS, links), (insert_position, [(RELAY_TRACKING_NAME, last)])]
            )
            return
        sql.execute(
            "WITH linked AS (INSERT INTO {schema}event_chain (notification_id, chain_hash)"
            " SELECT * FROM unnest(%s::bigint[], %s::text[])"
            " ON CONFLICT (notification_id) DO NOTHING) " + insert_position,
            ([i for i, _ in links], [h for _, h in links], RELAY_TRACKING_NAME, last),
        )

    def _prune(self) -> None:
        assert self.position is not None
        self.app.sql.execute(
            f"DELETE FROM {self.app.sql.tracking_table}"
            " WHERE application_name = %s AND notification_id < %s",
            (RELAY_TRACKING_NAME, self.position),
        )

    # --- the loop -----------------------------------------------------------------------

    def run(self) -> None:
        """Publishes until stopped; only while holding the leader lock."""
        if self.app.sql.is_postgres:
            threading.Thread(target=self._listen, name="relay-listener", daemon=True).start()
        while not self._stopped.is_set():
            try:
                if not self.is_leader:
                    self.is_leader = self.lock.try_acquire()
                    # answered either way: this replica leads, or another holds the lock
                    self._leader_seen_at = time.monotonic()
                    if not self.is_leader:
                        self._stopped.wait(1.0)
                        continue
                    self.position = None  # another leader may have moved on
                    self.app.chain.forget_position()
                    log.info("relay of %s is leading", self.app.name)
                if self.publish_pending() >= self.batch_size:
                    continue
                poll_s = self.poll_interval_s
                if self._listening:
                    poll_s = max(poll_s, self.LISTENING_POLL_S)
                if self._wake.wait(poll_s) and self.coalesce_s > 0:
                    # A commit woke us: let the rest of its burst join the same batch.
                    self._stopped.wait(self.coalesce_s)
                self._wake.clear()
                if not self._still_leading():
                    self.is_leader = False
            except Exception:
                log.exception("relay of %s failed; retrying", self.app.name)
                self._reset_connection()
                self._stopped.wait(1.0)
        self._reset_connection()
        self.lock.release()

    def _listen(self) -> None:
        """Wakes the relay at every commit to the store, whichever process made it (the
        recorder NOTIFYs the events table's channel in each write transaction). Until it
        listens, and whenever its connection is lost, the relay polls every
        ``poll_interval_s``.

        The same connection hears the store's erasures (``KeyVault.erase``), in every replica,
        leading or not: the application then drops its decrypted copies at once."""
        import psycopg
        from psycopg import sql

        channel = self.app.process_recorder.channel_name  # type: ignore[attr-defined]
        erasures = self.app.vault.erasure_channel
        database_url = self.app.settings.database_url
        assert database_url is not None and erasures is not None  # PostgreSQL only
        while not self._stopped.is_set():
            try:
                with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                    for name in (channel, erasures):
                        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(name)))
                    self._listening = True
                    while not self._stopped.is_set():
                        for notice in conn.notifies(timeout=1.0, stop_after=1):
                            if notice.channel == erasures:
                                self.app.forget_erased(uuid.UUID(notice.payload))
                            else:
                                self._wake.set()
            except Exception:
                log.warning("relay of %s: not listening to the store", self.app.name)
            finally:
                self._listening = False
            self._stopped.wait(1.0)

    def _still_leading(self) -> bool:
        """Checks the leader lock's connection at most every ``LOCK_CHECK_S``: between two
        checks a lost lock can only make two relays publish the same batch, which consumers
        receive once (stable event ids, tracked positions) and the chain writes once."""
        now = time.monotonic()
        if now - self._lock_checked_at < self.LOCK_CHECK_S:
            return True
        self._lock_checked_at = now
        held = self.lock.still_held()
        if held:
            self._leader_seen_at = now
        return held

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    def _reset_connection(self) -> None:
        self._confirms = None
        self._publisher = None
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken
                log.debug("relay connection release failed", exc_info=True)
            self._connection = None

    def leader_present(self) -> bool:
        """Whether some replica leads: this one, or another that holds the lock (seen within
        ``LEADER_SEEN_FOR_S``). False when nobody could take the lock lately (the store
        refuses the relay's connections, say): then nothing publishes anywhere."""
        seen = self._leader_seen_at
        return seen is not None and time.monotonic() - seen < self.LEADER_SEEN_FOR_S

    def oldest_unpublished_age_s(self) -> float:
        """Age of the oldest event after the position recorded in the store (whichever
        replica recorded it), 0 when there is none: every replica can tell."""
        recorder = self.app.process_recorder
        position = recorder.max_tracking_id(RELAY_TRACKING_NAME) or 0
        oldest = recorder.select_notifications(start=position, limit=1, inclusive_of_start=False)
        if not oldest:
            return 0.0
        oldest_event: Any = self.app.mapper.to_domain_event(oldest[0])
        recorded_at: datetime = oldest_event.timestamp
        return max(0.0, (datetime.now(UTC) - recorded_at).total_seconds())

    def lag(self) -> int:
        """How many log positions are not yet published (for readiness and metrics)."""
        latest = self.app.process_recorder.max_notification_id() or 0
        return max(0, latest - (self.position or 0))

    def wait_until_caught_up(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.lag() > 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"relay of {self.app.name} still {self.lag()} behind")
            time.sleep(0.01)
