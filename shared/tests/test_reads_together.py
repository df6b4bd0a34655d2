"""Several aggregates read in one statement (shared/runtime/reads_together.py): the same answers
as ``repository.get`` one by one, cached or not, never saved, snapshotted, or changed since by
another process on the same store; on both stores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from eventsourcing.domain import Aggregate, event

from shared.runtime.eventstore import ServiceApplication
from shared.runtime.reads_together import Held
from shared.runtime.settings import ServiceSettings
from shared.testing import both_stores


class Shelf(Aggregate):
    @staticmethod
    def create_id(label: str) -> uuid.UUID:
        """One shelf per label: its id is known before it is opened."""
        return uuid.uuid5(uuid.NAMESPACE_URL, "shelf:" + label)

    @event("Opened")
    def __init__(self, label: str) -> None:
        self.label = label
        self.items: list[str] = []

    @event("Stocked")
    def stock(self, item: str) -> None:
        self.items.append(item)


class ShopApplication(ServiceApplication):
    name = "shop"
    snapshotted: ClassVar[tuple[type, ...]] = (Shelf,)
    aggregate_cache_size: ClassVar[int] = 100


@pytest.fixture
def settings(service_config: dict[str, Any]) -> ServiceSettings:
    return ServiceSettings.from_mapping({**service_config, "SNAPSHOT_INTERVAL": "3"}, "shop")


@pytest.fixture
def replicas(settings: ServiceSettings) -> Iterator[Any]:
    """``replicas()``: a new application on the test's store (another process: its own cache)."""
    opened: list[ShopApplication] = []

    def open_one() -> ShopApplication:
        opened.append(ShopApplication(settings))
        return opened[-1]

    yield open_one
    for app in opened:
        app.close()


def one_statement_only(app: ShopApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL, reading together must not fall back to reading one aggregate at a time."""
    if app.settings.database_url:

        def refused(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("an aggregate read on its own")

        monkeypatch.setattr(app.recorder, "select_events", refused)
        assert app.snapshots is not None
        monkeypatch.setattr(app.snapshots.recorder, "select_events", refused)


def shelf(app: ShopApplication, label: str, *items: str) -> Shelf:
    saved = Shelf(label)
    for item in items:
        saved.stock(item)
    app.save(saved)
    return saved


@both_stores
def test_aggregates_not_cached_are_read_whole_and_an_absent_one_is_none(replicas, monkeypatch):
    # given two shelves recorded by one process (the second snapshotted at version 3)
    writer = replicas()
    fruit = shelf(writer, "fruit", "apple")
    bread = shelf(writer, "bread", "baguette", "brioche", "ficelle")
    never_saved = uuid.uuid4()

    # when another process, which holds nothing, reads them and an id never saved together
    reader = replicas()
    one_statement_only(reader, monkeypatch)
    found = reader.find_together(fruit.id, never_saved, bread.id)

    # then each is as recorded, the absent one is None, and the two are now cached
    assert [(s.label, s.items, s.version) for s in found if s is not None] == [
        ("fruit", ["apple"], 2),
        ("bread", ["baguette", "brioche", "ficelle"], 4),
    ]
    assert found[1] is None
    assert reader.repository.cache is not None
    assert reader.repository.cache.get(bread.id).version == 4


@both_stores
def test_an_aggregate_not_held_is_read_from_its_latest_snapshot_and_the_events_after(replicas):
    # given a shelf with seven events, snapshotted at versions 3 and 6
    writer = replicas()
    bread = shelf(writer, "bread")
    for item in ("baguette", "brioche", "ficelle", "fougasse", "pain de mie", "bâtard"):
        bread.stock(item)
        writer.save(bread)

    # when the recorder is asked for it, holding nothing
    assert writer.snapshots is not None
    newer = writer.recorder.select_newer_events([Held(bread.id, None)], writer.snapshots.recorder)

    # then it answers the snapshot at version 6 and the one event after it
    assert newer[bread.id].snapshot is not None
    assert newer[bread.id].snapshot.originator_version == 6
    assert [e.originator_version for e in newer[bread.id].events] == [7]
    assert replicas().find_together(bread.id)[0].items == bread.items


@both_stores
def test_cached_aggregates_see_what_another_process_recorded_since(replicas, monkeypatch):
    # given a reader holding two shelves in its cache, a third absent
    writer = replicas()
    fruit = shelf(writer, "fruit", "apple")
    bread = shelf(writer, "bread")
    cheese_id = Shelf.create_id("cheese")
    reader = replicas()
    reader.find_together(fruit.id, bread.id, cheese_id)

    # when another process stocks the fruit shelf twice and opens the cheese shelf
    fruit.stock("pear")
    fruit.stock("plum")
    writer.save(fruit, Shelf("cheese"))

    # then the reader's next read together sees both, in one statement, bread unchanged
    one_statement_only(reader, monkeypatch)
    found = reader.find_together(fruit.id, bread.id, cheese_id)
    assert [(s.label, s.version) for s in found if s is not None] == [
        ("fruit", 4),
        ("bread", 1),
        ("cheese", 1),
    ]
    assert found[0].items == ["apple", "pear", "plum"]


@both_stores
def test_copies_unless_asked_for_the_cached_aggregates_themselves(replicas):
    # given a shelf in a reader's cache
    writer = replicas()
    fruit = shelf(writer, "fruit", "apple")
    reader = replicas()
    held = reader.find_together(fruit.id, copies=False)[0]

    # when it is read again, as copies and as the cached aggregate
    copy = reader.find_together(fruit.id)[0]
    same = reader.find_together(fruit.id, copies=False)[0]

    # then a copy may be changed without touching what the cache holds
    copy.stock("pear")
    assert same is held and held.items == ["apple"]
    assert reader.repository.get(fruit.id).items == ["apple"]
