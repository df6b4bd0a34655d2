"""Several aggregates brought up to date in one statement (issue #28).

``repository.get`` asks the store once per aggregate, and more than once for some: a cached
aggregate for its newer events (other replicas write), one not in the cache for its latest
snapshot and then the events after it, and one never saved for the same two every time (an
absence is not cached). A login in identity reads three (the identifier's index, the account,
the account's session revocations, which most accounts never have): four or five statements.

:func:`find_together` asks once for all of them. The recorder is told, for each id, the version
this process holds in its cache, or that it holds nothing; it answers, in one statement on
PostgreSQL, the events after the version held, or the latest snapshot and the events after it.
What comes back is applied as ``repository.get`` applies it: a cached aggregate fast-forwarded in
place under the repository's own lock, one rebuilt put in the cache. So every aggregate read sees
every event committed before the read began, as ``get`` does, and those read together see the
same state of the store. Snapshots are still read for ids not cached (they bound the replay of a
long history), in the same statement: no assumption on what the store keeps is needed.

>>> index, account = app.find_together(index_id, account_id)   # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from itertools import chain
from typing import Any, NamedTuple, Protocol, runtime_checkable

from eventsourcing.application import Repository, project_aggregate
from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent


class Held(NamedTuple):
    """What a reader holds of one aggregate: its version, or None (nothing: read it whole)."""

    aggregate_id: uuid.UUID
    version: int | None


class Newer(NamedTuple):
    """What the store has that the reader does not: the latest snapshot (for an aggregate not
    held only) and the events after the version held or after that snapshot, in order."""

    snapshot: StoredEvent | None
    events: list[StoredEvent]


NOTHING_NEWER = Newer(None, [])


@runtime_checkable
class ReadsTogether(Protocol):
    """A recorder answering several :class:`Held` at once (pg_recorder.py, sqlite_recorder.py)."""

    def select_newer_events(
        self, held: Sequence[Held], snapshots: AggregateRecorder | None
    ) -> dict[uuid.UUID, Newer]: ...


def find_together(
    repository: Repository[uuid.UUID],
    recorder: Any,
    aggregate_ids: Sequence[uuid.UUID],
    *,
    copies: bool = True,
) -> list[Any | None]:
    """The aggregates of ``aggregate_ids`` as ``repository.get`` would return them (None for an
    id never saved), read with one request to the store. ``copies``: copies of the cached
    aggregates, which the caller may change (False: the cached ones, never to be changed)."""
    cache = repository.cache
    held = {aggregate_id: cached(repository, aggregate_id) for aggregate_id in aggregate_ids}
    with fast_forward_locks(repository, [i for i, a in held.items() if a is not None]):
        newer = select_newer(repository, recorder, held)
        found: dict[uuid.UUID, Any | None] = {}
        mapper = repository.event_store.mapper
        for aggregate_id, aggregate in held.items():
            news = newer.get(aggregate_id, NOTHING_NEWER)
            if aggregate is not None:
                lacking = (e for e in news.events if e.originator_version > aggregate.version)
                aggregate = project_aggregate(aggregate, map(mapper.to_domain_event, lacking))
            else:
                aggregate = rebuilt(mapper, news)
                if aggregate is not None and cache is not None:
                    cache.put(aggregate_id, aggregate)
            if copies and cache is not None and repository.deepcopy_from_cache:
                aggregate = deepcopy(aggregate)
            found[aggregate_id] = aggregate
    return [found[aggregate_id] for aggregate_id in aggregate_ids]


def select_newer(
    repository: Repository[uuid.UUID], recorder: Any, held: dict[uuid.UUID, Any | None]
) -> dict[uuid.UUID, Newer]:
    """What the store has beyond the versions held (asked once the locks are held: another
    reader may have moved a held aggregate on meanwhile)."""
    snapshots = repository.snapshot_store.recorder if repository.snapshot_store else None
    asked = [Held(i, None if a is None else a.version) for i, a in held.items()]
    if isinstance(recorder, ReadsTogether):
        return recorder.select_newer_events(asked, snapshots)
    return select_newer_events_one_by_one(recorder, asked, snapshots)


@contextmanager
def fast_forward_locks(
    repository: Repository[uuid.UUID], aggregate_ids: list[uuid.UUID]
) -> Iterator[None]:
    """The locks ``repository.get`` holds while it reads a cached aggregate's newer events and
    applies them, held here across the one statement: readers of a hot aggregate queue on it as
    they do with ``get`` instead of reading at once and colliding at their saves (issue #28's
    fourth round: a shared source's reservations gave up, "too many concurrent conflicts").
    Taken in one order (by id) by every reader: two readers of the same aggregates cannot
    each hold what the other waits for."""
    ordered = sorted(set(aggregate_ids), key=str)
    locks = [repository._use_fastforward_lock(i) for i in ordered]  # get()'s own, shared
    taken = []
    try:
        for lock in locks:
            lock.acquire()
            taken.append(lock)
        yield
    finally:
        for lock in reversed(taken):
            lock.release()
        for aggregate_id in ordered:
            repository._disuse_fastforward_lock(aggregate_id)


def cached(repository: Repository[uuid.UUID], aggregate_id: uuid.UUID) -> Any | None:
    """The aggregate this process holds in its cache (not brought up to date), or None."""
    if repository.cache is None:
        return None
    try:
        return repository.cache.get(aggregate_id)
    except KeyError:
        return None


def rebuilt(mapper: Mapper[uuid.UUID], news: Newer) -> Any | None:
    """The aggregate from its latest snapshot and the events after it (None: never saved)."""
    stored = chain([news.snapshot] if news.snapshot else [], news.events)
    return project_aggregate(None, map(mapper.to_domain_event, stored))


def select_newer_events_one_by_one(
    recorder: AggregateRecorder, held: Sequence[Held], snapshots: AggregateRecorder | None
) -> dict[uuid.UUID, Newer]:
    """:meth:`ReadsTogether.select_newer_events` by one or two statements per aggregate, as
    ``repository.get`` reads (the embedded store, where a statement costs no round trip)."""
    found: dict[uuid.UUID, Newer] = {}
    for aggregate_id, version in held:
        snapshot = None
        if version is None and snapshots is not None:
            latest = snapshots.select_events(aggregate_id, desc=True, limit=1)
            snapshot = latest[0] if latest else None
        after = version if snapshot is None else snapshot.originator_version
        events = list(recorder.select_events(aggregate_id, gt=after))
        if snapshot is not None or events:
            found[aggregate_id] = Newer(snapshot, events)
    return found
