"""What every application gets from ServiceApplication besides the store: ``find`` and
``save_with_retry`` (which re-runs a command on a conflict and returns what it decided), and the
integration-event registry and topic pins of the platform."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import resolve_topic

from shared.runtime.eventstore import Decided
from shared.runtime.integration_events import IntegrationEvents
from shared.runtime.settings import ServiceSettings
from shared.runtime.topics import pin_topics, topics_of
from shared.tests.example_services import ExampleApplication, Parcel


@pytest.fixture
def app(tmp_path: Path, test_secrets: dict[str, Any]) -> Any:
    config = {"ENVIRONMENT": "test", "DATA_DIR": str(tmp_path), **test_secrets}
    application = ExampleApplication(ServiceSettings.from_mapping(config, "example"))
    yield application
    application.close()


def test_find_gives_the_aggregate_or_none(app: ExampleApplication) -> None:
    parcel_id = app.register_parcel("colis", 100)

    found = app.find(parcel_id)
    assert found is not None and found.weight_g == 100
    assert app.find(uuid.uuid4()) is None


def test_a_command_that_lost_a_race_runs_again_and_its_last_decision_is_returned(
    app: ExampleApplication,
) -> None:
    parcel_id = app.register_parcel("colis", 100)
    runs: list[int] = []

    def weigh_again() -> Decided[str]:
        parcel: Parcel = app.repository.get(parcel_id)
        runs.append(parcel.version)
        if len(runs) == 1:  # someone else records on the parcel meanwhile
            other: Parcel = app.repository.get(parcel_id)
            other.trigger_event(Parcel.Event)
            app.save(other)
        parcel.trigger_event(Parcel.Event)
        return Decided(f"seen at version {parcel.version - 1}", parcel)

    answer = app.save_with_retry(weigh_again)

    assert runs == [1, 2]
    assert answer == "seen at version 2"
    assert app.repository.get(parcel_id).version == 3


def test_a_command_returning_aggregates_alone_still_saves_them(app: ExampleApplication) -> None:
    parcel_id = app.register_parcel("colis", 100)

    def touch() -> list[Parcel]:
        parcel: Parcel = app.repository.get(parcel_id)
        parcel.trigger_event(Parcel.Event)
        return [parcel]

    app.save_with_retry(touch)

    assert app.repository.get(parcel_id).version == 2


class Crate(Aggregate):
    @event("Packed")
    def __init__(self, weight_g: int):
        self.weight_g = weight_g


def test_a_translation_is_found_by_event_class_and_declared_once() -> None:
    translations = IntegrationEvents()

    @translations.on(Crate.Packed)  # type: ignore[attr-defined]
    def packed(e: Any) -> tuple[str, dict[str, Any]] | None:
        return "CratePacked", {"weight_g": e.weight_g}

    crate = Crate(weight_g=700)
    (packed_event,) = crate.collect_events()

    assert translations.translate(packed_event) == ("CratePacked", {"weight_g": 700})
    assert translations.translate(object()) is None
    with pytest.raises(ValueError):
        translations.on(Crate.Packed)(packed)  # type: ignore[attr-defined]


def test_an_old_topic_resolves_to_the_moved_class_and_its_events() -> None:
    pin_topics("shared.tests.old_module:Crate", Crate)

    assert resolve_topic("shared.tests.old_module:Crate") is Crate
    assert resolve_topic("shared.tests.old_module:Crate.Packed") is Crate.Packed  # type: ignore[attr-defined]
    assert "shared.tests.test_application_helpers:Crate.Packed" in topics_of(Crate)
