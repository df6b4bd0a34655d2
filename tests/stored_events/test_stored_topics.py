"""Persisted names are contracts: every event a store holds today still reads tomorrow.

Each ``<service>.json`` beside this file is a small store written by an earlier version of the
code (refreshed by ``shared/testing/stored_events_harvest.py``, see its docstring): whole
aggregates, at least two for each stored topic, and one snapshot per snapshotted class. Given
those stored events in an embedded store, the current application must resolve every topic,
rebuild every event (upcasting old versions), fold every aggregate and every snapshot, and
translate every event for the outbox relay without an error. Moving or renaming an aggregate
without ``register_topic``, or changing an event without ``class_version`` and an upcaster,
fails here.

Personal values in the fixtures are ciphertext whose keys were not kept: they read as ERASED,
as after an erasure, which every aggregate and translation must accept anyway.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from delegation.application import DelegationApplication
from eventsourcing.persistence import StoredEvent
from identity.application import IdentityApplication
from identity.settings import IdentitySettings
from lockout.application import LockoutApplication
from lockout.settings import LockoutSettings
from notification.application import NotificationApplication
from notification.settings import NotificationSettings

from shared.runtime.settings import ServiceSettings

HERE = Path(__file__).parent
APPLICATIONS: dict[str, tuple[type, type[ServiceSettings]]] = {
    "identity": (IdentityApplication, IdentitySettings),
    "lockout": (LockoutApplication, LockoutSettings),
    "notification": (NotificationApplication, NotificationSettings),
    "delegation": (DelegationApplication, ServiceSettings),
}


def stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=uuid.UUID(row["originator_id"]),
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=row["state"].encode("utf-8"),
    )


@pytest.fixture(params=sorted(APPLICATIONS))
def fixture_store(
    request: pytest.FixtureRequest, tmp_path: Path, test_secrets: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The current application of a service, on an embedded store holding its fixture."""
    service = request.param
    application_class, settings_class = APPLICATIONS[service]
    config = {"ENVIRONMENT": "test", "DATA_DIR": str(tmp_path), **test_secrets}
    app = application_class(settings_class.from_mapping(config, service))
    fixture = json.loads((HERE / f"{service}.json").read_text())
    # An application may record aggregates of its own when it starts (fixed ids): those stay.
    present = {n.originator_id for n in app.recorder.select_notifications(start=1, limit=10_000)}
    fixture["folded"] = [
        r for r in fixture["events"] if uuid.UUID(r["originator_id"]) not in present
    ]
    app.recorder.insert_events([stored(row) for row in fixture["folded"]])
    return app, fixture


def test_every_stored_event_reads_folds_and_translates(
    fixture_store: tuple[Any, dict[str, Any]],
) -> None:
    app, fixture = fixture_store
    assert fixture["events"], "an empty fixture pins nothing"
    for row in fixture["events"]:
        event = app.mapper.to_domain_event(stored(row))
        assert event.originator_version == row["originator_version"], row["topic"]
        app.integration_event(event)  # what the relay would publish: must not raise
    for originator_id in {row["originator_id"] for row in fixture["folded"]}:
        aggregate = app.repository.get(uuid.UUID(originator_id))
        last = max(
            row["originator_version"]
            for row in fixture["folded"]
            if row["originator_id"] == originator_id
        )
        assert aggregate.version == last


def test_every_stored_snapshot_reads(fixture_store: tuple[Any, dict[str, Any]]) -> None:
    app, fixture = fixture_store
    for row in fixture["snapshots"]:
        snapshot = app.snapshots.mapper.to_domain_event(stored(row))
        aggregate = snapshot.mutate(None)
        assert aggregate.version == row["originator_version"], row["topic"]


def test_identitys_three_old_flow_classes_read_as_one_code_flow_each_with_its_journey(
    tmp_path: Path, test_secrets: dict[str, Any]
) -> None:
    config = {"ENVIRONMENT": "test", "DATA_DIR": str(tmp_path), **test_secrets}
    app = IdentityApplication(IdentitySettings.from_mapping(config, "identity"))
    fixture = json.loads((HERE / "identity.json").read_text())
    journeys = {
        "identity.flows:Registration.Started": "registration",
        "identity.flows:PasswordReset.Started": "password_reset",
        "identity.flows:IdentifierRecovery.Started": "identifier_recovery",
    }
    seen = set()
    for row in fixture["events"]:
        if row["topic"] in journeys:
            flow = app.mapper.to_domain_event(stored(row)).mutate(None)
            assert type(flow).__name__ == "CodeFlow"
            assert flow.journey == journeys[row["topic"]]
            seen.add(row["topic"])
    assert seen == set(journeys)
