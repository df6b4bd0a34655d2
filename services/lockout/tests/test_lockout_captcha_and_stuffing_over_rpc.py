"""Captcha life cycle and credential-stuffing throttle, over real RPC and real events."""

from __future__ import annotations

import base64
import io
import uuid
from typing import Any

from lockout_testing import CAPTCHA_ANSWER, Lockout
from PIL import Image

from shared.runtime.clock import FrozenClock
from shared.testing import both_stores
from shared.testing.event_tap import EventTap

#: The same interface tests on the embedded store and on PostgreSQL.
pytestmark = both_stores


def test_captcha_life_cycle(lockout: Lockout, rpc: Any, clock: FrozenClock) -> None:
    lockout.start(LOCKOUT_CAPTCHA_TTL_S="120")

    issued = rpc.lockout.new_captcha()
    assert set(issued) == {"captcha_id", "image_png_base64"}
    with Image.open(io.BytesIO(base64.b64decode(issued["image_png_base64"]))) as image:
        assert (image.format, image.size) == ("PNG", (200, 70))
    # case does not matter; single use
    assert rpc.lockout.check_captcha(issued["captcha_id"], CAPTCHA_ANSWER.lower()) == {
        "valid": True
    }
    assert rpc.lockout.check_captcha(issued["captcha_id"], CAPTCHA_ANSWER) == {"valid": False}

    # a wrong answer spends it too
    wrong = rpc.lockout.new_captcha()["captcha_id"]
    assert rpc.lockout.check_captcha(wrong, "AAAAA") == {"valid": False}
    assert rpc.lockout.check_captcha(wrong, CAPTCHA_ANSWER) == {"valid": False}

    # short expiry
    late = rpc.lockout.new_captcha()["captcha_id"]
    clock.advance(seconds=120)
    assert rpc.lockout.check_captcha(late, CAPTCHA_ANSWER) == {"valid": False}

    assert rpc.lockout.check_captcha(str(uuid.uuid4()), CAPTCHA_ANSWER) == {"valid": False}


def test_a_source_failing_on_many_identifiers_is_throttled_without_freezing_its_victims(
    lockout: Lockout, rpc: Any, tap: EventTap
) -> None:
    lockout.start(LOCKOUT_SOURCE_MAX_IDENTIFIERS="4", LOCKOUT_SOURCE_THROTTLE_S="900")
    source = lockout.keys.of("source", "203.0.113.7")
    victims = [f"P{n:08d}" for n in range(1, 6)]

    for victim in victims[:4]:
        reserved = rpc.lockout.reserve_attempt(lockout.key_of(victim), source_key=source)
        rpc.lockout.report_attempt(reserved["reservation_id"], False)

    (throttled,) = tap.wait("SourceThrottled")
    assert (throttled["source_key"], throttled["distinct_identifiers"]) == (source, 4)
    fifth = rpc.lockout.reserve_attempt(lockout.key_of(victims[4]), source_key=source)
    assert (fifth["decision"], fifth["reservation_id"]) == ("source_throttled", None)
    # the victims are not frozen, and other sources still reach them
    assert {rpc.lockout.status(v)["state"] for v in victims} == {"open"}
    other = lockout.keys.of("source", "198.51.100.2")
    assert rpc.lockout.reserve_attempt(lockout.key_of(victims[0]), source_key=other)[
        "decision"
    ] == ("check")
    assert tap.of_type("AccountFrozen") == []
