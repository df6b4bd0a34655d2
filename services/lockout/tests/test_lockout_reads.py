"""A reservation's reads (issue #28): the identifier's ladder and the source's activity in one
statement, on both stores; what another replica recorded on the source meanwhile is seen, as
before. Two applications on one store are two replicas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lockout.application import LockoutApplication
from lockout.reservations import ReservationId
from lockout.settings import LockoutSettings

from shared.runtime.clock import FrozenClock
from shared.testing import both_stores

pytestmark = both_stores

SOURCE = "cd" * 32


def identifier(number: int) -> str:
    return f"{number:064x}"


@pytest.fixture
def replicas(service_config: dict[str, Any]) -> Iterator[tuple[LockoutApplication, ...]]:
    """Two lockout replicas on the test's store, each with its own cache; one identifier per
    source allowed before the source needs a captcha."""
    mapping = {**service_config, "RELAY_ENABLED": "n", "LOCKOUT_SOURCE_MAX_IDENTIFIERS": "1"}
    settings = LockoutSettings.from_mapping(mapping, "lockout")
    clock = FrozenClock()
    apps = tuple(LockoutApplication(settings, clock=clock) for _ in range(2))
    yield apps
    for app in apps:
        app.close()


class Reads:
    """Counts a replica's reads of the store (and, on PostgreSQL, refuses single reads)."""

    def __init__(self, app: LockoutApplication, monkeypatch: pytest.MonkeyPatch):
        self.together = 0
        select_newer_events = app.recorder.select_newer_events  # type: ignore[attr-defined]

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.together += 1
            return select_newer_events(*args, **kwargs)

        monkeypatch.setattr(app.recorder, "select_newer_events", counted)
        if app.settings.database_url:  # on SQLite, reading together reads one by one

            def refused(*args: Any, **kwargs: Any) -> Any:
                raise AssertionError("an aggregate read on its own")

            monkeypatch.setattr(app.recorder, "select_events", refused)


def test_a_reservation_from_a_source_reads_ladder_and_source_once(replicas, monkeypatch) -> None:
    # given a ladder and a source this replica has read and written before
    here, _ = replicas
    first = here.reserve_attempt(identifier(1), source_key=SOURCE)
    here.report_attempt(ReservationId.parse(first["reservation_id"]), True)

    # when the same identifier asks again from the same source
    reads = Reads(here, monkeypatch)
    answer = here.reserve_attempt(identifier(1), source_key=SOURCE)

    # then one read brought both up to date, and the check is held on the source
    assert answer["decision"] == "check"
    assert reads.together == 1


def test_a_source_failing_on_another_replica_is_seen_by_the_next_reservation(replicas) -> None:
    # given a source this replica holds, which then failed on one identifier through the other
    # replica (its limit: 1)
    here, there = replicas
    held = here.reserve_attempt(identifier(1), source_key=SOURCE)
    here.report_attempt(ReservationId.parse(held["reservation_id"]), True)
    failed = there.reserve_attempt(identifier(2), source_key=SOURCE)
    there.report_attempt(ReservationId.parse(failed["reservation_id"]), False)

    # when this replica, which holds the source, decides for another identifier from it
    answer = here.reserve_attempt(identifier(3), source_key=SOURCE)

    # then it saw the other replica's failure: the source needs a captcha now
    assert answer["decision"] == "source_throttled"
