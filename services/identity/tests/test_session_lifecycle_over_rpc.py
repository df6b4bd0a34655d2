"""A session extended by one action (RGAA 13.1) within an absolute maximum, and « se déconnecter
de tous les appareils », over real RPC."""

from __future__ import annotations

import pytest

from shared.runtime.rpc import InvalidInput

from .conftest import NIR, PASSWORD


def test_a_refresh_slides_the_expiry_but_never_past_the_maximum(journeys):
    identity = journeys.start(SESSION_LIFETIME_S="900", SESSION_MAX_LIFETIME_S="1500")
    identity.register_with_nir()
    token = identity.session()
    rpc = identity.rpc.identity
    identity.clock.advance(seconds=600)

    slid = rpc.refresh_session(token)
    identity.clock.advance(seconds=600)  # past the first token's expiry
    first_then, slid_then = rpc.verify_session(token), rpc.verify_session(slid["session"]["token"])
    capped = rpc.refresh_session(slid["session"]["token"])
    identity.clock.advance(seconds=299)  # one second before the absolute end
    over = rpc.refresh_session(capped["session"]["token"])

    assert slid["outcome"] == "refreshed"
    assert slid["expires_at"] == "2024-03-05T09:55:00+00:00"  # 09:30 login + 600 s + 900 s
    assert first_then["valid"] is False  # the first token has expired
    assert slid_then["valid"] is True
    assert capped["expires_at"] == "2024-03-05T09:55:00+00:00"  # login + 1500 s, not + 900 s
    assert over == {
        "outcome": "maximum_reached",
        "session": None,
        "expires_at": capped["expires_at"],
    }


def test_logging_out_a_refreshed_session_ends_its_earlier_token_too(identity):
    identity.register_with_nir()
    token = identity.session()
    rpc = identity.rpc.identity
    refreshed = rpc.refresh_session(token)["session"]["token"]

    rpc.logout(refreshed)

    assert rpc.verify_session(token)["reason"] == "revoked"
    with pytest.raises(InvalidInput) as dead:
        rpc.refresh_session(refreshed)
    assert dead.value.code == "session_invalid"


def test_logging_out_everywhere_ends_every_session_of_the_account_and_only_those(identity):
    identity.register_with_nir()
    rpc = identity.rpc.identity
    phone = identity.session()
    computer = identity.session()
    identity.clock.advance(seconds=5)

    assert rpc.logout_everywhere(computer) == {"outcome": "logged_out"}
    identity.clock.advance(seconds=5)
    later = identity.session(NIR, PASSWORD)

    assert rpc.verify_session(phone)["reason"] == "revoked"
    assert rpc.verify_session(computer)["reason"] == "revoked"
    assert rpc.verify_session(later)["valid"] is True


def test_a_login_in_the_same_second_as_logging_out_everywhere_ends_only_what_came_before(identity):
    """Given a session opened a tenth of a second before « tous les appareils », when the person
    logs in again a tenth of a second after it (the same second), then the earlier session is
    ended and the new one lives: the session's opening time is kept to the millisecond."""
    identity.register_with_nir()
    rpc = identity.rpc.identity
    before = identity.session()
    identity.clock.advance(seconds=0.1)
    assert rpc.logout_everywhere(before) == {"outcome": "logged_out"}
    identity.clock.advance(seconds=0.1)

    after = identity.session(NIR, PASSWORD)

    assert rpc.verify_session(before)["reason"] == "revoked"
    assert rpc.verify_session(after)["valid"] is True
