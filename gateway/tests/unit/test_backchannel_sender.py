"""Caf connect's back-channel logout sender, one message at a time (gateway/oidc/backchannel.py):
given a client's record and what identity says of the logout, when the sender handles it, then
it posts a logout token to a real HTTP receiver, or nothing; a redirect or a refused connection
is a failed attempt (the consumer tries again), never followed; a 2xx is recorded in identity.
Identity's two answers are given as identity documents them (docs/api/identity.md)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from gateway.api_clients import parse_api_clients
from gateway.oidc.backchannel import EVENT, DeliveryFailed, Sender
from gateway.oidc.keys import SigningKeys, new_key_set
from shared.testing.receivers import FormReceiver, free_port

ISSUER = "https://mon-compte.example"


@dataclass
class Identity:
    """What identity answers the sender (``oidc_backchannel_logout``) and what it was told."""

    outcome: str = "due"
    delivered: list[tuple[str, str]] = field(default_factory=list)

    def oidc_backchannel_logout(self, logout_id: str) -> dict[str, Any]:
        if self.outcome != "due":
            return {"outcome": self.outcome}
        return {"outcome": "due", "client_id": "appli", "sid": "sid-1", "sub": "sub-1"}

    def oidc_logout_delivered(self, logout_id: str, jti: str) -> dict[str, Any]:
        self.delivered.append((logout_id, jti))
        return {"outcome": "recorded"}


@pytest.fixture
def receiver() -> Iterator[FormReceiver]:
    running = FormReceiver()
    running.start()
    yield running
    running.stop()


KEYS = SigningKeys.from_setting(new_key_set())


def sender(uri: str | None) -> Sender:
    entry: dict[str, Any] = {"type": "public", "scopes": ["openid"],
                             "redirect_uris": ["http://127.0.0.1:8000/retour"]}  # fmt: skip
    if uri:
        entry["backchannel_logout_uri"] = uri
    clients = parse_api_clients(json.dumps({"appli": entry}))
    return Sender(KEYS, {c.client_id: c for c in clients}, ISSUER)


def message() -> dict[str, Any]:
    return {"logout_id": uuid.uuid4(), "client_id": "appli", "account_id": uuid.uuid4(),
            "session_id": "sid-1", "cause": "logout"}  # fmt: skip


def test_a_2xx_is_recorded_with_the_jti_of_the_token_it_took(receiver: FormReceiver) -> None:
    receiver.statuses = [204]
    identity = Identity()
    payload = message()

    outcome = sender(receiver.url).deliver(payload, identity)

    (form,) = receiver.forms()
    claims = KEYS.verify(form["logout_token"], "logout+jwt")  # signed by the current key
    assert claims is not None and outcome == "delivered"
    assert identity.delivered == [(str(payload["logout_id"]), claims["jti"])]
    assert claims["events"] == {EVENT: {}} and claims["aud"] == "appli"
    assert claims["iss"] == ISSUER and claims["sid"] == "sid-1" and "nonce" not in claims


def test_nothing_is_sent_to_a_client_without_uri_nor_for_a_logout_delivered_already(
    receiver: FormReceiver,
) -> None:
    identity = Identity(outcome="delivered")

    without_uri = sender(None).deliver(message(), Identity())
    delivered = sender(receiver.url).deliver(message(), identity)

    assert (without_uri, delivered) == ("not_registered", "already_delivered")
    assert receiver.requests == [] and identity.delivered == []


@pytest.mark.parametrize("status", [302, 400, 500])
def test_an_answer_other_than_2xx_is_a_failed_attempt_never_followed(
    receiver: FormReceiver, status: int
) -> None:
    receiver.statuses = [status]
    identity = Identity()

    with pytest.raises(DeliveryFailed, match=f"HTTP {status}"):
        sender(receiver.url).deliver(message(), identity)

    assert len(receiver.requests) == 1 and identity.delivered == []


def test_a_client_that_does_not_answer_is_a_failed_attempt() -> None:
    identity = Identity()

    with pytest.raises(DeliveryFailed, match="ConnectionError"):
        sender(f"http://127.0.0.1:{free_port()}/bcl").deliver(message(), identity)

    assert identity.delivered == []
