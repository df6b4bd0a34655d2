"""The PostgreSQL store's writes: one statement per save (shared/runtime/pg_recorder.py), no
ping before use (a dropped connection is retried), and the expiring aggregate cache."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared.runtime import aggregate_cache
from shared.runtime.aggregate_cache import ExpiringCache
from shared.runtime.pg_recorder import OneTripProcessRecorder
from shared.testing import application_of, wait_for
from shared.tests.example_services import (
    ExampleApplication,
    ExampleConsumerService,
    ExampleService,
    Parcel,
)


def test_services_record_through_the_one_statement_recorder(services):
    app = application_of(services.start(ExampleService, RELAY_ENABLED="false"))
    assert isinstance(app.recorder, OneTripProcessRecorder)


def test_a_version_already_taken_is_a_conflict_and_stores_nothing(services, rpc):
    # given a parcel recorded, and a stale copy of it
    app = application_of(services.start(ExampleService, RELAY_ENABLED="false"))
    parcel_id = uuid.UUID(rpc.example.register({"label": "colis", "weight_g": 100})["parcel_id"])
    first: Parcel = app.repository.get(parcel_id)
    stale: Parcel = app.repository.get(parcel_id)
    before = app.recorder.max_notification_id()

    # when both record a new event at the same version
    first.trigger_event(Parcel.Event)
    app.save(first)
    stale.trigger_event(Parcel.Event)

    # then the second is refused and nothing of it is stored
    with pytest.raises(IntegrityError):
        app.save(stale)
    assert app.recorder.max_notification_id() == before + 1


def test_events_and_their_tracking_record_commit_together(services, rpc):
    app = application_of(services.start(ExampleService, RELAY_ENABLED="false"))
    parcel = Parcel(label=None, weight_g=1)  # type: ignore[arg-type]
    recordings = app.recorder.insert_events(
        [app.mapper.to_stored_event(e) for e in parcel.collect_events()],
        tracking=Tracking("upstream", 7),
    )
    assert recordings and app.recorder.has_tracking_id("upstream", 7)

    # a second delivery of position 7 (a conflict on the tracking row) stores no event either
    other = Parcel(label=None, weight_g=2)  # type: ignore[arg-type]
    before = app.recorder.max_notification_id()
    with pytest.raises(IntegrityError):
        app.recorder.insert_events(
            [app.mapper.to_stored_event(e) for e in other.collect_events()],
            tracking=Tracking("upstream", 7),
        )
    assert app.recorder.max_notification_id() == before


def test_connections_dropped_by_the_server_are_replaced_without_losing_a_write(
    services, rpc, service_config
):
    # given a producer and a consumer that have both used their connections
    producer = services.start(ExampleService)
    services.start(ExampleConsumerService)
    rpc.example.register({"label": "colis 1", "weight_g": 100})
    wait_for(lambda: len(rpc.example_consumer.receipts()) == 1)

    # when PostgreSQL drops every connection of the test database (a restart, a failover)
    url = service_config["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    # then the next commands are recorded, published and consumed as usual
    for n in range(2, 5):
        rpc.example.register({"label": f"colis {n}", "weight_g": 100})
    wait_for(lambda: len(rpc.example_consumer.receipts()) == 4, timeout=30)
    assert rpc.example.parcel_count() == 4
    # each request recorded once: its parcel (its marker is a row beside the log,
    # request_outcomes.py)
    assert application_of(producer).process_recorder.max_notification_id() == 4


class CachingExampleApplication(ExampleApplication):
    name = "example"
    aggregate_cache_size = 100


def test_a_cached_aggregate_sees_what_another_replica_recorded(services):
    # given two replicas of a store, the first holding a parcel in its cache
    app = application_of(services.start(ExampleService, RELAY_ENABLED="false"))
    one = CachingExampleApplication(app.settings)
    other = CachingExampleApplication(app.settings)
    try:
        parcel_id = one.register_parcel("colis", 100)
        assert one.repository.get(parcel_id).version == 1

        # when the other replica records an event on it
        parcel: Parcel = other.repository.get(parcel_id)
        parcel.trigger_event(Parcel.Event)
        other.save(parcel)

        # then the first replica's next read is up to date, and a command on it is too
        assert one.repository.get(parcel_id).version == 2
    finally:
        one.close()
        other.close()


def test_cached_aggregates_expire(monkeypatch):
    cache = ExpiringCache(maxsize=10, ttl_s=60.0)
    cache.put("ladder", "v1")
    assert cache.get("ladder") == "v1"
    later = time.monotonic() + 61
    monkeypatch.setattr(aggregate_cache.time, "monotonic", lambda: later)
    with pytest.raises(KeyError):
        cache.get("ladder")
    with pytest.raises(KeyError):  # evicted, not only hidden
        cache.get("ladder", evict=True)
