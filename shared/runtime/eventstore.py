"""The event store every service application stands on.

``ServiceApplication`` is an eventsourcing ``Application`` configured from the service settings:
PostgreSQL (one schema per service) when ``DATABASE_URL`` is set, otherwise an embedded SQLite
file in ``DATA_DIR``. It adds what every service needs and nothing domain-specific: per-person
encryption of :class:`PersonalData`, keyed pseudonyms, the clock, the correlation id stored with
each event, snapshots, and exactly-once processing of integration events (:meth:`process`).
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar, overload
from urllib.parse import unquote, urlparse

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    ProcessRecorder,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import PostgresDatastore

from shared.events import Envelope

from . import correlation, request_outcomes
from .aggregate_cache import ExpiringCache
from .audit_trail import AuditTrail
from .chain import EventChain, chain_key
from .clock import Clock
from .personal_data import KeyVault, PersonalDataAsCiphertext
from .pg_pool import set_role_timeout, size_pool
from .pseudonyms import Pseudonymizer
from .reads_together import cached, find_together
from .request_outcomes import (
    MARKER_KWARG,
    MARKERS_TABLE,
    Marker,
    MarkerRow,
    Request,
    RequestOutcome,
    already_processed,
    stamp,
)
from .settings import ServiceSettings
from .sql import SqlStore

log = logging.getLogger(__name__)

CORRELATION_FIELD = "_correlation_id"
RELAY_TRACKING_NAME = "__relay__"

Handler = Callable[[Envelope], Iterable[MutableOrImmutableAggregate[Any] | None] | None]
T = TypeVar("T")


@dataclass(frozen=True, init=False)
class Decided(Generic[T]):
    """What a command run by :meth:`ServiceApplication.save_with_retry` decided: the answer to
    give and the aggregates to save (None entries are skipped).

    >>> Decided({"outcome": "lifted"}, ladder, *sources)   # doctest: +SKIP
    """

    result: T
    aggregates: tuple[MutableOrImmutableAggregate[Any] | None, ...]

    def __init__(self, result: T, *aggregates: MutableOrImmutableAggregate[Any] | None):
        object.__setattr__(self, "result", result)
        object.__setattr__(self, "aggregates", aggregates)


__all__ = ["Decided", "ServiceApplication", "already_processed"]


class CorrelatingMapper(Mapper[uuid.UUID]):
    """Stores the current correlation id with every new event (read back as an attribute)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        current = correlation.current.get()
        if current and CORRELATION_FIELD not in vars(domain_event):
            object.__setattr__(domain_event, CORRELATION_FIELD, current)
        return super().to_stored_event(domain_event)


def store_env(settings: ServiceSettings, name: str) -> dict[str, str]:
    """The eventsourcing environment for a service's store (PostgreSQL or embedded SQLite)."""
    env = {
        "CREATE_TABLE": "n" if settings.database_read_only else "y",
        "SINGLE_ROW_TRACKING": "n",
        "MAPPER_TOPIC": f"{__name__}:CorrelatingMapper",
        "TRANSCODER_TOPIC": "shared.runtime.transcoder:FastJSONTranscoder",
        "IS_SNAPSHOTTING_ENABLED": "y",
    }
    if settings.database_url:
        url = urlparse(settings.database_url)
        if url.scheme not in ("postgres", "postgresql"):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        schema = schema_of(settings, name)
        env.update(
            PERSISTENCE_MODULE="shared.runtime.pg_recorder:StoreFactory",
            POSTGRES_DBNAME=url.path.lstrip("/") or "postgres",
            POSTGRES_HOST=url.hostname or "127.0.0.1",
            POSTGRES_PORT=str(url.port or 5432),
            POSTGRES_USER=unquote(url.username or "postgres"),
            POSTGRES_PASSWORD=unquote(url.password or ""),
            POSTGRES_SCHEMA=schema,
            # replaced before use by a pool sized by need (pg_pool.py)
            POSTGRES_POOL_SIZE=str(settings.database_pool_min),
            POSTGRES_MAX_OVERFLOW="0",
            POSTGRES_CONNECT_TIMEOUT="5",
            POSTGRES_PRE_PING="n",  # see sql.py: connections are retried, not pinged
            PROCESS_RECORDER_TOPIC="shared.runtime.pg_recorder:OneTripProcessRecorder",
        )
        if not settings.database_read_only:
            ensure_schema(settings.database_url, schema)
            if settings.database_pool_url:
                set_role_timeout(settings.database_url)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        env.update(
            PERSISTENCE_MODULE="eventsourcing.sqlite",
            SQLITE_DBNAME=str(settings.data_dir / f"{name}.sqlite"),
            SQLITE_LOCK_TIMEOUT="10",
            PROCESS_RECORDER_TOPIC="shared.runtime.sqlite_recorder:MarkingProcessRecorder",
        )
    return env


def schema_of(settings: ServiceSettings, name: str) -> str:
    return settings.database_schema or settings.database_schema_prefix + name


def ensure_schema(database_url: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    create = sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        try:
            conn.execute(create)
        except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateSchema):
            # another replica, starting at the same time, created it first (the statement
            # is not safe against a concurrent creation): it exists, which is what we need
            conn.execute(create)


class ServiceApplication(Application[uuid.UUID]):
    """Base of the four service applications. Subclasses set ``name`` and write commands.

    >>> app = IdentityApplication(settings)            # doctest: +SKIP
    >>> app.process(envelope, app.on_account_frozen)   # doctest: +SKIP
    """

    name = "service"
    log_section_size = 1000
    #: aggregate classes snapshotted every ``SNAPSHOT_INTERVAL`` events
    snapshotted: ClassVar[tuple[type, ...]] = ()
    #: aggregates kept in memory (least recently used first out, at most the key vault's TTL:
    #: see aggregate_cache.py), 0 for none; every get still reads the aggregate's newer events
    aggregate_cache_size: ClassVar[int] = 0

    def __init__(
        self,
        settings: ServiceSettings,
        clock: Clock | None = None,
        env: dict[str, str] | None = None,
    ):
        if type(self).name == type(self).__name__:
            # eventsourcing names an Application after its class: tables would follow it
            raise TypeError(f"{type(self).__name__} must set name = '<service>'")
        self.settings = settings
        self.clock = clock or Clock()
        assert settings.pseudonym_key is not None
        assert settings.personal_data_master_key is not None
        self.pseudonyms = Pseudonymizer(settings.pseudonym_key)
        self.snapshotting_intervals = {  # type: ignore[misc]  # per instance: from settings
            cls: settings.snapshot_interval for cls in self.snapshotted
        }
        self._transcoding: PersonalDataAsCiphertext | None = None
        self._recorded_listeners: list[Callable[[], None]] = []
        super().__init__(env={**store_env(settings, self.name), **(env or {})})
        if self.aggregate_cache_size:
            self.repository.cache = ExpiringCache(
                self.aggregate_cache_size, ttl_s=KeyVault.CACHE_TTL_S
            )

    # --- construction -------------------------------------------------------------------

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        self._transcoding = PersonalDataAsCiphertext(vault=None)  # type: ignore[arg-type]
        transcoder.register(self._transcoding)

    def construct_recorder(self) -> ProcessRecorder:
        datastore = getattr(self.factory, "datastore", None)
        if isinstance(datastore, PostgresDatastore):
            size_pool(datastore, self.settings)
        recorder = self.factory.process_recorder()
        self.sql = SqlStore(recorder, read_only=self.settings.database_read_only)
        assert self.settings.personal_data_master_key is not None
        self.vault = KeyVault(self.sql, self.settings.personal_data_master_key)
        self.chain = EventChain(
            self.sql, chain_key(self.settings.personal_data_master_key), self.name
        )
        self.audit_trail = AuditTrail(self.sql)
        assert self._transcoding is not None
        self._transcoding.vault = self.vault
        return recorder

    @property
    def process_recorder(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def forget_erased(self, subject_id: uuid.UUID) -> None:
        """Another process erased ``subject_id``'s key: drops what this one holds decrypted
        (the cached key, and every cached aggregate, which rebuild from the store on the next
        get). Erasures are rare; emptying the whole aggregate cache keeps this simple and
        covers aggregates holding data of subjects other than themselves."""
        self.vault.forget(subject_id)
        if isinstance(self.repository.cache, ExpiringCache):
            self.repository.cache.forget_all()

    def correlation_of(self, aggregate_id: uuid.UUID) -> str | None:
        """The correlation id of the request that created ``aggregate_id`` (work done later
        on its behalf, by a timer say, logs under that request's id)."""
        first = list(self.repository.event_store.get(aggregate_id, lte=1))
        return vars(first[0]).get(CORRELATION_FIELD) if first else None

    def on_recorded(self, listener: Callable[[], None]) -> None:
        """Calls ``listener`` after each save (the relay uses it to wake up at once)."""
        self._recorded_listeners.append(listener)

    def _notify(self, recordings: list[Any]) -> None:
        super()._notify(recordings)
        if not recordings:
            return  # a save with no event (a tracking record alone): nothing to publish
        for listener in self._recorded_listeners:
            listener()

    # --- integration events -------------------------------------------------------------

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        """The integration event (type, payload) a domain event publishes, if any.

        Called by the outbox relay only. Override in each service (see its integration.py).
        """
        return None

    def process(self, envelope: Envelope, handler: Handler, idempotent: bool = False) -> bool:
        """Runs ``handler`` for an integration event exactly once; True if it ran now.

        The aggregates the handler returns are saved in one transaction with the tracking
        record (producer, position). A second delivery of the same event finds that record
        and does nothing. A concurrency conflict on an aggregate re-runs the handler.
        ``idempotent``: the handler may run again on an event already processed (it never
        raises for it, and decides nothing new): the tracking record is not looked up first,
        its unique key refuses the second save (one query fewer per event: lockout settling
        a login's check, issue #28).
        """
        tracking = Tracking(envelope.producer, envelope.position)
        for attempt in range(20):
            if (attempt or not idempotent) and self.is_processed(tracking):
                return False
            aggregates = [a for a in (handler(envelope) or ()) if a is not None]
            processing_event: ProcessingEvent[uuid.UUID] = ProcessingEvent(tracking)
            processing_event.collect_events(*aggregates)
            try:
                recordings = self._record(processing_event)
            except IntegrityError:
                if self.is_processed(tracking):
                    return False
                log.info(
                    "conflict while processing %s@%s, retrying",
                    envelope.producer,
                    envelope.position,
                )
                continue
            self._take_snapshots(processing_event)
            self._notify(recordings)
            return True
        raise RuntimeError("too many conflicts while processing an integration event")

    def is_processed(self, tracking: Tracking) -> bool:
        rows = self.sql.execute(
            f"SELECT 1 FROM {self.sql.tracking_table}"
            " WHERE application_name = %s AND notification_id = %s",
            (tracking.application_name, tracking.notification_id),
        )
        return bool(rows)

    # --- idempotent requests (request_outcomes.py) -----------------------------------------

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Saves; the first save of an RPC request that records something also records the
        request's marker, in the same transaction (see request_outcomes.py)."""
        scope = request_outcomes.request_scope()
        if scope is None or scope.marked or not request_outcomes.records_something(objs):
            return super().save(*objs, **kwargs)
        if scope.request.redelivered and self._marker(scope.outcome_id) is not None:
            scope.marked = True  # a method that replays: its first delivery left the marker
            return super().save(*objs, **kwargs)
        marker = MarkerRow(
            marker_id=scope.outcome_id,
            action=scope.action,
            answer_json=None if scope.answer is None else json.dumps(scope.answer),
            recorded_at=self.clock.now(),
        )
        try:
            recordings = super().save(*objs, **kwargs, **{MARKER_KWARG: marker})
        except IntegrityError:
            if self._marker(scope.outcome_id) is not None:  # a twin delivery got there first
                raise already_processed() from None
            raise
        scope.marked = True
        return recordings

    def recorded_outcome(self, request: Request | None, action: str) -> Marker | None:
        """The marker of ``request`` for ``action`` if it acted already (a redelivery)."""
        if request is None or not request.id:
            return None
        return self._marker(RequestOutcome.create_id(self.name, action, request.id))

    def _marker(self, marker_id: uuid.UUID) -> Marker | None:
        rows = self.sql.execute(
            f"SELECT action, answer FROM {self.sql.prefix}{MARKERS_TABLE} WHERE marker_id = %s",
            (str(marker_id),),
        )
        if rows:
            action, answer = rows[0]
            return Marker(action, None if answer is None else json.loads(answer))
        try:  # a marker written before issue #28: an event of its own
            old: RequestOutcome = self.repository.get(marker_id)
        except AggregateNotFoundError:
            return None
        return Marker(old.action, old.answer)

    def expire_request_markers(self, older_than: datetime) -> int:
        """Deletes the markers recorded before ``older_than`` (the retention job); how many."""
        rows = self.sql.execute(
            f"DELETE FROM {self.sql.prefix}{MARKERS_TABLE} WHERE recorded_at < %s"
            " RETURNING marker_id",
            (stamp(older_than),),
        )
        return len(rows)

    def find(self, aggregate_id: uuid.UUID) -> Any | None:
        """The aggregate, or None if nothing was ever saved under ``aggregate_id``."""
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def held(self, aggregate_id: uuid.UUID) -> Any | None:
        """The aggregate as this process last read it (its cache), not brought up to date:
        a hint of what to read with it (the account an index names), never a state to decide
        on; None if not held."""
        return cached(self.repository, aggregate_id)

    def find_together(self, *aggregate_ids: uuid.UUID, copies: bool = True) -> list[Any | None]:
        """The aggregates (None for an id never saved), each as :meth:`find` returns it, read
        with one statement however many (reads_together.py). ``copies=False``: the cached
        aggregates themselves, to read and never change.

        >>> index, account = app.find_together(index_id, account_id)   # doctest: +SKIP
        """
        return find_together(self.repository, self.recorder, aggregate_ids, copies=copies)

    @overload
    def save_with_retry(self, command: Callable[[], Decided[T]], attempts: int = 20) -> T: ...

    @overload
    def save_with_retry(
        self,
        command: Callable[[], Iterable[MutableOrImmutableAggregate[Any] | None]],
        attempts: int = 20,
    ) -> Any: ...

    def save_with_retry(self, command: Callable[[], Any], attempts: int = 20) -> Any:
        """Runs ``command`` (which loads, decides, returns aggregates) and saves, retrying on
        an optimistic-concurrency conflict (another request saved one of them meanwhile).

        A command that returns :class:`Decided` gets its ``result`` back from the run that
        saved (``answer = app.save_with_retry(lambda: Decided(answer, ladder))``); one that
        returns the aggregates alone gets the recordings.
        """
        for attempt in range(attempts):
            decided = command()
            if isinstance(decided, Decided):
                aggregates = [a for a in decided.aggregates if a is not None]
            else:
                aggregates = [a for a in decided if a is not None]
            try:
                recordings = self.save(*aggregates)
            except IntegrityError:
                # back off a little, with jitter, so that contenders do not collide again
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            return decided.result if isinstance(decided, Decided) else recordings
        raise RuntimeError("too many concurrent conflicts")
