"""Every row of the ladder over real RPC and real events, on both stores (spec §6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from lockout_testing import CAPTCHA_ANSWER, Lockout

from shared.runtime.clock import FrozenClock
from shared.runtime.rpc import InvalidInput
from shared.testing import application_of, both_stores, wait_for
from shared.testing.event_tap import EventTap

NIR = "1 63 06 31 555 082"  # nobody has an account here: lockout never knows, same answers
OTHER_NIR = "2 62 09 99 123 456"

#: The same interface tests on the embedded store and on PostgreSQL.
pytestmark = both_stores


def reserve(rpc: Any, key: str, captcha: bool = False, **extra: Any) -> dict[str, Any]:
    if captcha:
        extra.update(
            captcha_id=rpc.lockout.new_captcha()["captcha_id"], captcha_answer=CAPTCHA_ANSWER
        )
    return dict(rpc.lockout.reserve_attempt(key, **extra))


def wrong_login(rpc: Any, key: str, captcha: bool = False, **extra: Any) -> dict[str, Any]:
    """What identity does for a wrong password: reserve, check (here: nothing), report."""
    reserved = reserve(rpc, key, captcha, **extra)
    assert reserved["decision"] == "check", reserved
    return dict(rpc.lockout.report_attempt(reserved["reservation_id"], False))


def freeze(rpc: Any, key: str) -> dict[str, Any]:
    for _ in range(3):
        wrong_login(rpc, key)
    wrong_login(rpc, key, captcha=True)
    return wrong_login(rpc, key, captcha=True)


def until(answer: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(answer["frozen_until"])


def test_every_row_of_the_ladder(
    lockout: Lockout, rpc: Any, tap: EventTap, clock: FrozenClock
) -> None:
    lockout.start()
    key = lockout.key_of(NIR)

    assert wrong_login(rpc, key) == {
        "failures": 1,
        "attempts_left": 4,
        "captcha_required": False,
        "frozen_until": None,
        "retry_after_s": None,
    }
    assert wrong_login(rpc, key)["attempts_left"] == 3
    third = wrong_login(rpc, key)
    assert (third["attempts_left"], third["captcha_required"]) == (2, True)
    refused = reserve(rpc, key)
    assert (refused["decision"], refused["reservation_id"]) == ("captcha_required", None)
    assert wrong_login(rpc, key, captcha=True)["attempts_left"] == 1
    fifth = wrong_login(rpc, key, captcha=True)
    assert (fifth["failures"], fifth["attempts_left"], fifth["retry_after_s"]) == (5, 0, 600)

    clock.advance(minutes=7)
    during = reserve(rpc, key, captcha=True)
    assert (during["decision"], during["reservation_id"], during["retry_after_s"]) == (
        "frozen",
        None,
        180,
    )
    assert rpc.lockout.status(NIR)["retry_after_s"] == 180

    answer = fifth
    for failures, minutes in [(6, 20), (7, 60), (8, 24 * 60), (9, 24 * 60)]:
        clock.set(until(answer))
        answer = wrong_login(rpc, key, captcha=True)
        assert (answer["failures"], answer["retry_after_s"]) == (failures, minutes * 60)

    frozen = tap.wait("AccountFrozen", 5)
    assert [e["duration_s"] for e in frozen] == [600, 1200, 3600, 86400, 86400]
    assert {e["identifier_key"] for e in frozen} == {key}


def test_a_successful_login_resets_the_ladder_and_unfreezes(
    lockout: Lockout, rpc: Any, tap: EventTap, clock: FrozenClock
) -> None:
    lockout.start()
    key = lockout.key_of(NIR)
    clock.set(until(freeze(rpc, key)))
    reserved = reserve(rpc, key, captcha=True)
    assert rpc.lockout.report_attempt(reserved["reservation_id"], True) == {
        "failures": 0,
        "attempts_left": 5,
        "captcha_required": False,
        "frozen_until": None,
        "retry_after_s": None,
    }
    (unfrozen,) = tap.wait("AccountUnfrozen")
    assert unfrozen == {"identifier_key": key, "lifted_by": "login", "operator": None}


def test_a_completed_password_reset_lifts_the_freeze(
    lockout: Lockout, rpc: Any, tap: EventTap, publish_event: Any
) -> None:
    lockout.start()
    key = lockout.key_of(NIR)
    freeze(rpc, key)
    payload = {"account_id": str(uuid.uuid4()), "identifier_key": key, "reason": "reset"}
    publish_event("PasswordChanged", payload, producer="identity", position=1)
    publish_event("PasswordChanged", payload, producer="identity", position=1)  # redelivered
    wait_for(lambda: rpc.lockout.status(NIR)["state"] == "open")
    (unfrozen,) = tap.wait("AccountUnfrozen")
    assert unfrozen["lifted_by"] == "password_reset"


def test_a_new_nir_starts_clean_silently_and_the_old_identifiers_ladder_stays(
    lockout: Lockout, rpc: Any, tap: EventTap, publish_event: Any
) -> None:
    lockout.start()
    key, provisional = lockout.key_of(NIR), "P12345678"
    freeze(rpc, key)
    wrong_login(rpc, lockout.key_of(provisional))
    payload = {
        "account_id": str(uuid.uuid4()),
        "previous_identifier_key": lockout.key_of(provisional),
        "identifier_key": key,
        "nir_key": "0" * 64,
        "operator": "agent-042",
    }
    publish_event("NirAssigned", payload, producer="identity", position=3)
    wait_for(lambda: rpc.lockout.status(NIR)["state"] == "open")

    assert rpc.lockout.status(NIR)["failures"] == 0
    assert rpc.lockout.status(provisional)["failures"] == 1
    # Nobody was told of the freeze this lifted: a freeze published after it, and no unfreeze.
    freeze(rpc, lockout.key_of(OTHER_NIR))
    assert len(tap.wait("AccountFrozen", count=2)) == 2
    assert tap.of_type("AccountUnfrozen") == []


def test_the_back_office_lifts_a_freeze_with_who_and_why(
    lockout: Lockout, rpc: Any, tap: EventTap
) -> None:
    lockout.start()
    key = lockout.key_of(NIR)
    assert rpc.lockout.lift_freeze(NIR, "agent-042", "appel")["outcome"] == "not_frozen"
    freeze(rpc, key)
    assert rpc.lockout.lift_freeze(NIR, "agent-042", "appel au 3230")["outcome"] == "lifted"
    assert rpc.lockout.status(NIR)["state"] == "open"
    (unfrozen,) = tap.wait("AccountUnfrozen")
    # free text is no reason of AGENT_REASONS: the person reads « Autre motif » (issue #35)
    assert unfrozen == {"identifier_key": key, "lifted_by": "operator", "operator": "agent-042",
                        "agency": "Caf", "reason": None}  # fmt: skip


def test_a_freeze_survives_a_restart(lockout: Lockout, rpc: Any, clock: FrozenClock) -> None:
    container = lockout.start()
    key = lockout.key_of(NIR)
    freeze(rpc, key)
    clock.advance(minutes=4)
    lockout.restart(container)
    answer = reserve(rpc, key, captcha=True)
    assert (answer["decision"], answer["failures"], answer["retry_after_s"]) == ("frozen", 5, 360)


def test_a_reservation_never_reported_counts_as_a_failure(
    lockout: Lockout, rpc: Any, clock: FrozenClock
) -> None:
    lockout.start(LOCKOUT_RESERVATION_TIMEOUT_S="30")
    key = lockout.key_of(NIR)
    assert reserve(rpc, key)["decision"] == "check"
    clock.advance(seconds=29)
    # in flight: counted as a failure already (issue #28), and never released
    assert rpc.lockout.status(NIR)["failures"] == 1
    clock.advance(seconds=1)
    assert rpc.lockout.status(NIR)["failures"] == 1
    assert rpc.lockout.status(NIR)["attempts_left"] == 4


def test_bad_input_gets_field_errors_and_stores_nothing(lockout: Lockout, rpc: Any) -> None:
    container = lockout.start()
    with pytest.raises(InvalidInput) as error:
        rpc.lockout.reserve_attempt("1 63 06 31 555 082", captcha_id="x")
    assert set(error.value.fields) == {"identifier_key", "captcha_id"}
    with pytest.raises(InvalidInput) as error:
        rpc.lockout.reserve_attempt("ab" * 32, successes=["r-1"])
    assert error.value.fields == {"successes": {"0": ["Réservation inconnue."]}}
    with pytest.raises(InvalidInput) as error:
        rpc.lockout.report_attempt("r-1", "yes")
    assert set(error.value.fields) == {"reservation_id", "succeeded"}
    with pytest.raises(InvalidInput) as error:
        rpc.lockout.status("1 63")
    assert error.value.fields == {
        "identifier": ["Le numéro de Sécurité sociale comporte 13 caractères (15 avec la clé)."]
    }
    with pytest.raises(InvalidInput) as error:
        rpc.lockout.lift_freeze(NIR, "", "")
    assert set(error.value.fields) == {"operator", "reason"}
    app = application_of(container)
    count = f"SELECT count(*) FROM {app.sql.events_table}"
    assert app.sql.execute(count)[0][0] == 0
