"""Replicas starting at once on a new store create the same tables at the same time: none of
them fails (found by the SIGTERM scenario of issue #31, where two identity processes started
together and one died on ``duplicate key value violates unique constraint
"pg_type_typname_nsp_index"``: PostgreSQL's ``CREATE TABLE IF NOT EXISTS`` is not safe against
a concurrent creation; so is ``CREATE SCHEMA IF NOT EXISTS``)."""

from __future__ import annotations

import uuid

import eventlet
import psycopg

from shared.runtime.eventstore import ensure_schema
from shared.runtime.settings import ServiceSettings
from shared.tests.example_services import ExampleApplication, Parcel


def test_tables_created_by_several_replicas_at_once_are_created_once_without_error(
    service_config,
):
    config = {**service_config, "DATABASE_POOL_SIZE": "8"}
    app = ExampleApplication(ServiceSettings.from_mapping(config, "example"))
    try:
        for _ in range(10):
            table = "{schema}race_" + uuid.uuid4().hex[:8]
            create = f"CREATE TABLE IF NOT EXISTS {table} (at TEXT NOT NULL)"
            pool = eventlet.GreenPool()
            replicas = [pool.spawn(app.sql.execute, create) for _ in range(6)]
            for replica in replicas:
                replica.wait()  # raised IntegrityError when two creations met
            app.sql.execute(f"INSERT INTO {table} (at) VALUES (%s)", ("ok",))
            assert app.sql.execute(f"SELECT count(*) FROM {table}") == [(1,)]
    finally:
        app.close()


def test_a_schema_created_by_several_replicas_at_once_is_created_without_error(service_config):
    for _ in range(10):
        schema = "race_" + uuid.uuid4().hex[:8]
        pool = eventlet.GreenPool()
        replicas = [
            pool.spawn(ensure_schema, service_config["DATABASE_URL"], schema) for _ in range(6)
        ]
        for replica in replicas:
            replica.wait()  # raised UniqueViolation when two creations met
        with psycopg.connect(service_config["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}"')


class SnapshottedExample(ExampleApplication):
    name = "example"
    snapshotted = (Parcel,)


def test_replicas_starting_at_once_on_a_new_store_all_start_snapshots_table_included(
    service_config,
):
    """The SIGTERM scenario (tests/faults) again: the second identity died at start on
    ``identity_snapshots``'s type, eventsourcing's own recorder of the snapshots table."""
    for _ in range(3):
        schema = "race_" + uuid.uuid4().hex[:8]
        config = {**service_config, "DATABASE_POOL_SIZE": "2", "DATABASE_SCHEMA": schema}
        pool = eventlet.GreenPool()
        replicas = [
            pool.spawn(SnapshottedExample, ServiceSettings.from_mapping(config, "example"))
            for _ in range(4)
        ]
        apps = [replica.wait() for replica in replicas]  # raised IntegrityError at start
        try:
            assert apps[0].snapshots is not None
            assert type(apps[0].snapshots.recorder).__name__ == "SnapshotRecorder"
        finally:
            for app in apps:
                app.close()
            with psycopg.connect(service_config["DATABASE_URL"], autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
