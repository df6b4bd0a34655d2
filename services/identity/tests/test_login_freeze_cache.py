"""Identity's cache of lockout's freezes (issue #28): a login whose identifier lockout froze is
answered « frozen » without asking lockout, and the cache can only refuse earlier, never let a
password check through that lockout would refuse. Dropped on ``AccountUnfrozen`` (an agent's
``lift_freeze``, a password reset) and on the freeze's end. Two replicas: tests/integration/
test_journey_lockout.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events import build
from shared.identifiers import parse_nir
from shared.runtime.clock import FrozenClock
from shared.testing import application_of, wait_for

from .conftest import NIR, PASSWORD, Journeys

WRONG = "Mauvais2024Mdp"
NEW_PASSWORD = "Printemps2025Caf"
KEY = "ab" * 32
UNTIL = datetime(2024, 3, 5, 9, 40, tzinfo=UTC)  # the clock's 9:30 + 10 minutes


class Counted:
    """Counts lockout's reserve_attempt and identity's argon2 verifications from now on."""

    def __init__(self, identity: Journeys) -> None:
        self.reservations: list[str] = []
        self.checks: list[int] = []
        lockout = application_of(identity.lockout_container)
        reserve, verify = lockout.reserve_attempt, identity.app.hasher.verify

        def counted_reserve(*args: Any, **kwargs: Any) -> dict[str, Any]:
            answer: dict[str, Any] = reserve(*args, **kwargs)
            self.reservations.append(answer["decision"])
            return answer

        def counted_verify(stored: Any, password: str) -> bool:
            self.checks.append(1)
            return bool(verify(stored, password))

        lockout.reserve_attempt = counted_reserve
        identity.app.hasher.verify = counted_verify


def frozen(identity: Journeys) -> str:
    """NIR's account frozen by five wrong passwords; identity has heard of it (AccountFrozen)."""
    identity.register_with_nir()
    answers = identity.fail_logins(NIR, 5)
    assert answers[-1]["outcome"] == "frozen"
    key = identity.app.store.identifier_key(parse_nir(NIR))
    wait_for(lambda: identity.app.freezes.refusal(key) is not None)
    return str(key)


def test_a_frozen_identifier_is_refused_without_asking_lockout_nor_checking(
    identity: Journeys,
) -> None:
    key = frozen(identity)
    counted = Counted(identity)

    from_cache = identity.login(NIR, PASSWORD)  # even the right password

    assert from_cache["outcome"] == "frozen"
    assert (counted.reservations, counted.checks) == ([], [])
    # the same answer as lockout's own, to the word: the cache dropped, lockout asked
    identity.app.freezes.forget(key)
    from_lockout = identity.login(NIR, PASSWORD)
    assert (counted.reservations, counted.checks) == (["frozen"], [])
    assert from_cache == from_lockout
    assert from_cache["retry_after_s"] == 600 and from_cache["session"] is None
    # lockout's answer said the freeze is recorded: kept again
    assert identity.app.freezes.refusal(key) is not None


def test_an_entry_dropped_too_early_lets_no_check_through_lockout_still_refuses(
    identity: Journeys, publish_event: Any
) -> None:
    key = frozen(identity)
    counted = Counted(identity)
    # an AccountUnfrozen nobody caused (out of order, forged, or a replica's stale entry gone)
    publish_event(
        "AccountUnfrozen",
        {"identifier_key": key, "lifted_by": "operator", "operator": "agent-1"},
        producer="lockout",
        position=10_000,
    )
    wait_for(lambda: identity.app.freezes.refusal(key) is None)

    answers = [identity.login(NIR, PASSWORD)["outcome"] for _ in range(3)]

    # the first asks lockout, which refuses; its answer fills the cache again
    assert answers == ["frozen"] * 3
    assert (counted.reservations, counted.checks) == (["frozen"], [])


def test_an_agent_lifting_the_freeze_drops_it_and_the_next_login_reaches_lockout(
    identity: Journeys,
) -> None:
    key = frozen(identity)
    counted = Counted(identity)

    lifted = application_of(identity.lockout_container).lift_freeze(
        parse_nir(NIR), "agent-042", "appel de l'allocataire"
    )

    assert lifted == {"outcome": "lifted"}
    wait_for(lambda: identity.app.freezes.refusal(key) is None)  # AccountUnfrozen
    answer = identity.login(NIR, PASSWORD)
    assert answer["outcome"] == "ok"
    assert (counted.reservations, counted.checks) == (["check"], [1])


def test_a_password_reset_drops_it_and_the_new_password_logs_in(identity: Journeys) -> None:
    key = frozen(identity)

    done = identity.reset_password(NIR, "Test", NEW_PASSWORD)

    assert done["outcome"] == "password_changed"
    wait_for(lambda: identity.app.freezes.refusal(key) is None)  # lockout reset: AccountUnfrozen
    counted = Counted(identity)
    assert identity.login(NIR, NEW_PASSWORD)["outcome"] == "ok"
    assert (counted.reservations, counted.checks) == (["check"], [1])


def test_the_freezes_end_drops_it(identity: Journeys) -> None:
    frozen(identity)
    counted = Counted(identity)

    identity.clock.advance(minutes=10)
    answer = identity.login(NIR, PASSWORD, captcha=identity.captcha())  # the ladder asks one

    assert answer["outcome"] == "ok"
    assert (counted.reservations, counted.checks) == (["check"], [1])


# --- the cache alone -----------------------------------------------------------------------


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def cache(size: int = 3, max_age_s: float = 60) -> tuple[Any, FrozenClock, Ticks]:
    from identity.freeze_cache import FreezeCache

    clock, ticks = FrozenClock(), Ticks()
    return FreezeCache(clock, size, max_age_s, monotonic=ticks), clock, ticks


def answer(recorded: bool, until: datetime = UNTIL) -> dict[str, Any]:
    return {
        "decision": "frozen",
        "failures": 5,
        "frozen_until": until.isoformat(),
        "freeze_recorded": recorded,
    }


def test_a_freeze_projected_from_checks_in_flight_is_not_kept() -> None:
    freezes, _, _ = cache()
    # one of those checks may still succeed and lift it, with no AccountUnfrozen

    freezes.from_answer(KEY, answer(recorded=False), freezes.asked_at())

    assert freezes.refusal(KEY) is None
    freezes.from_answer(KEY, answer(recorded=True), freezes.asked_at())
    refusal = freezes.refusal(KEY)
    assert refusal is not None
    assert (refusal["decision"], refusal["retry_after_s"], refusal["reservation_id"]) == (
        "frozen",
        600,
        None,
    )


def test_an_entry_ends_with_its_freeze_or_its_max_age_whichever_comes_first() -> None:
    freezes, clock, ticks = cache(max_age_s=60)
    freezes.from_answer(KEY, answer(recorded=True), freezes.asked_at())

    ticks.now = 59.0
    assert freezes.refusal(KEY) is not None
    ticks.now = 60.0
    assert freezes.refusal(KEY) is None  # asked of lockout again: an event may have been missed

    freezes.from_answer(KEY, answer(recorded=True), freezes.asked_at())
    clock.advance(minutes=10)
    assert freezes.refusal(KEY) is None


def test_an_answer_asked_before_an_unfreeze_or_an_older_frozen_event_does_not_bring_it_back() -> (
    None
):
    freezes, _, ticks = cache()
    asked_at = freezes.asked_at()
    ticks.now = 1.0
    freezes.forget(KEY, position=7)  # AccountUnfrozen while the question was in flight

    freezes.from_answer(KEY, answer(recorded=True), asked_at)
    freezes.from_frozen_event({"identifier_key": KEY, "failures": 5, "frozen_until": UNTIL}, 6)

    assert freezes.refusal(KEY) is None
    freezes.from_frozen_event({"identifier_key": KEY, "failures": 6, "frozen_until": UNTIL}, 8)
    assert freezes.refusal(KEY) is not None


def test_the_least_recently_used_go_first_and_size_zero_keeps_nothing() -> None:
    freezes, _, _ = cache(size=2)
    for key in ("a" * 64, "b" * 64, "c" * 64):
        freezes.remember(key, UNTIL, 5)

    assert len(freezes) == 2 and freezes.refusal("a" * 64) is None
    off, _, _ = cache(size=0)
    off.remember(KEY, UNTIL, 5)
    assert off.refusal(KEY) is None


def test_an_event_builds_the_same_entry_as_lockouts_answer() -> None:
    freezes, _, _ = cache()
    message = build(
        "AccountFrozen",
        {
            "identifier_key": KEY,
            "failures": 5,
            "frozen_until": UNTIL.isoformat(),
            "duration_s": 600,
        },
        producer="lockout",
        position=3,
    )
    assert message["payload"]["identifier_key"] == KEY

    freezes.from_frozen_event(message["payload"], 3)
    from_event = freezes.refusal(KEY)
    freezes.forget(KEY)
    freezes.from_answer(KEY, answer(recorded=True), freezes.asked_at() + 1)

    assert from_event == freezes.refusal(KEY)
    assert from_event is not None and from_event["frozen_until"] == UNTIL.isoformat()
    assert timedelta(seconds=from_event["retry_after_s"]) == timedelta(minutes=10)
