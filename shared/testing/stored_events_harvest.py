"""Refreshes the fixture stores of ``test_stored_topics.py`` from a run of the tests.

    .venv/bin/python -m pytest -q -p no:cacheprovider -p shared.testing.stored_events_harvest \
        services/*/tests tests/integration

At the end of the session, before the test database is dropped, every service's events are read
from the schemas the tests left behind; for each stored topic a few aggregates are kept whole
(all their events) and one snapshot per snapshotted class, then written to
``tests/stored_events/<service>.json``. Personal values stay ciphertext whose keys are not kept:
they read back as ``ERASED``, so the fixture holds no personal data that could be decrypted.

``STORED_EVENTS_SERVICES=delegation`` (comma-separated) refreshes only those services' files.

Rerun it after adding an event type (the new topic is then pinned too); never after renaming or
moving one: the fixture is what proves old topics still read.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.testing.infrastructure import Database

HERE = Path(__file__).resolve().parents[2] / "tests" / "stored_events"
SERVICES = ("identity", "lockout", "notification", "delegation")
AGGREGATES_PER_TOPIC = 2


@pytest.fixture(scope="session", autouse=True)
def harvest_stored_events(pg_database: Database) -> Iterator[None]:
    yield
    import psycopg

    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        schemas = [row[0] for row in conn.execute("SELECT nspname FROM pg_namespace")]
        wanted = os.environ.get("STORED_EVENTS_SERVICES", ",".join(SERVICES)).split(",")
        for service in wanted:
            found = [s for s in schemas if s.endswith("_" + service) or s == service]
            if found:
                write_fixture(service, *harvest(conn, service, found))


def harvest(conn: Any, service: str, schemas: list[str]) -> tuple[list[dict], list[dict]]:
    by_topic: dict[str, list[tuple[str, str]]] = defaultdict(list)
    events: dict[tuple[str, str], list[dict]] = defaultdict(list)
    snapshots: dict[str, dict] = {}
    for schema in schemas:
        table = f'"{schema}".{service}_events'
        if not _exists(conn, schema, f"{service}_events"):
            continue
        rows = conn.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {table}"
            " ORDER BY notification_id"
        ).fetchall()
        for originator_id, version, topic, state in rows:
            key = (schema, str(originator_id))
            events[key].append(_row(originator_id, version, topic, state))
            if key not in by_topic[topic]:
                by_topic[topic].append(key)
        if _exists(conn, schema, f"{service}_snapshots"):
            for originator_id, version, topic, state in conn.execute(
                "SELECT originator_id, originator_version, topic, state"
                f' FROM "{schema}".{service}_snapshots'
            ).fetchall():
                class_topic = json.loads(bytes(state))["topic"]
                snapshots.setdefault(class_topic, _row(originator_id, version, topic, state))
    kept: list[tuple[str, str]] = []
    for topic in sorted(by_topic):
        covered = sum(1 for key in kept if any(e["topic"] == topic for e in events[key]))
        for key in sorted(by_topic[topic], key=lambda k: len(events[k])):
            if covered >= AGGREGATES_PER_TOPIC:
                break
            # the same id in two schemas (ids derived from the same test identifier): once
            if key not in kept and all(k[1] != key[1] for k in kept):
                kept.append(key)
                covered += 1
    return [e for key in kept for e in events[key]], list(snapshots.values())


def write_fixture(service: str, events: list[dict], snapshots: list[dict]) -> None:
    path = HERE / f"{service}.json"
    text = json.dumps({"events": events, "snapshots": snapshots}, indent=1, sort_keys=True)
    path.write_text(text + "\n")


def _row(originator_id: Any, version: int, topic: str, state: bytes) -> dict[str, Any]:
    return {
        "originator_id": str(originator_id),
        "originator_version": version,
        "topic": topic,
        "state": bytes(state).decode("utf-8"),
    }


def _exists(conn: Any, schema: str, table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".{table}',)).fetchone()
    return row is not None and row[0] is not None
