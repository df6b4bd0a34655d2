"""Which domain events publish which integration events (checked against shared/events)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lockout.domain import FailedLoginLadder, LadderPolicy
from lockout.integration import integration_event

from shared import events

KEY = "ab" * 32
T0 = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
POLICY = LadderPolicy()


def published(ladder: FailedLoginLadder) -> list[tuple[str, dict]]:
    found = [integration_event(e) for e in ladder.collect_events()]
    for position, message in enumerate(found, start=1):
        if message:  # every payload must pass the shared contract
            events.build(message[0], message[1], producer="lockout", position=position)
    return [m for m in found if m]


def frozen_ladder() -> FailedLoginLadder:
    ladder = FailedLoginLadder(identifier_key=KEY)
    for i in range(5):
        ladder.reserve(f"r{i}", T0, POLICY, captcha_passed=True)
        ladder.report(f"r{i}", False, T0, POLICY)
    return ladder


def test_only_the_freeze_of_a_failing_ladder_is_published() -> None:
    assert published(frozen_ladder()) == [
        (
            "AccountFrozen",
            {
                "identifier_key": KEY,
                "failures": 5,
                "duration_s": 600,
                "frozen_until": (T0 + timedelta(minutes=10)).isoformat(),
            },
        )
    ]


def test_a_login_without_a_past_freeze_publishes_nothing() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    ladder.reserve("r", T0, POLICY, captcha_passed=False)
    ladder.report("r", True, T0, POLICY)
    assert published(ladder) == []


def test_a_new_nir_starts_clean_silently() -> None:
    ladder = frozen_ladder()
    ladder.collect_events()
    ladder.reset("nir_assigned", T0)
    assert published(ladder) == []


def test_an_agents_lift_carries_the_agency_and_the_reasons_code() -> None:
    ladder = frozen_ladder()
    ladder.collect_events()

    ladder.reset("operator", T0, operator="agent-042", note="appel", agency="Caf de Paris",
                 reason="appel")  # fmt: skip

    [(_, payload)] = published(ladder)
    assert (payload["agency"], payload["reason"]) == ("Caf de Paris", "appel")


def test_an_operator_lift_names_the_operator() -> None:
    ladder = frozen_ladder()
    ladder.collect_events()
    ladder.reset("operator", T0, operator="agent-042", note="appel")
    assert published(ladder) == [
        (
            "AccountUnfrozen",
            {"identifier_key": KEY, "lifted_by": "operator", "operator": "agent-042"},
        )
    ]
