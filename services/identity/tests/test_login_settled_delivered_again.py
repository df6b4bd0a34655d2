"""Found by the lossy-network scenario (issue #31, tests/faults): a wrong login whose reply was
lost before its failure (and its request's marker) was recorded is delivered again to another
replica; lockout hands the same reservation back, and identity verified the password a second
time. The ladder counted the attempt once and the password was the same one (no extra guess),
but SPEC §6 counts checks: one more than the table allows.

Now lockout says the reservation was ``granted_before`` (to the first delivery), and identity
answers the failure the ladder already counts, without a second check, and records it."""

from __future__ import annotations

import uuid

from shared.identifiers import parse_identifier
from shared.runtime import request_outcomes
from shared.runtime.rpc_entrypoint import Request

from .conftest import NIR

WRONG = "Mauvais2024Mdp"


def never(_work) -> None:
    """A worker whose answer never leaves: nothing runs after it (no failure recorded)."""


def at_once(work) -> None:
    work()


def attempt(app, lockout, request: Request, later=never) -> dict:
    """What identity's login worker does: the request in scope, then the login."""
    request_outcomes.enter("identity", "login", request)
    try:
        return app.login.attempt(
            parse_identifier(NIR), WRONG, lockout, request=request, later=later
        )
    finally:
        request_outcomes.leave()


def test_a_wrong_login_delivered_again_after_its_check_settled_is_not_checked_again(journeys):
    # the first delivery never records its outcome: the second waits for it as long as
    # lockout does (1 s here), then answers the failure the ladder counts
    journeys.lockout_config = {"LOCKOUT_RESERVATION_TIMEOUT_S": "1"}
    identity = journeys.start()
    identity.register_with_nir()
    app, lockout = identity.app, identity.rpc.lockout
    verifications: list[str] = []
    verify = app.hasher.verify

    def counted(password_hash, password):
        verifications.append(password)
        return verify(password_hash, password)

    app.hasher.verify = counted
    request = Request(id=uuid.uuid4().hex, redelivered=False)

    first = attempt(app, lockout, request)
    again = attempt(app, lockout, Request(id=request.id, redelivered=True), later=at_once)

    assert first["outcome"] == again["outcome"] == "invalid_credentials"
    assert lockout.status(NIR)["failures"] == 1  # the ladder counts it once
    assert len(verifications) == 1  # and the password is checked once
    assert stored_topics(app).count("LoginFailed") == 1  # recorded by the delivery again


def stored_topics(app) -> list[str]:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return [n.topic.rsplit(".", 1)[-1] for n in notifications]
