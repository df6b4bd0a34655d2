"""Sessions end when the credential changes (SPEC §16, issue 17 item 4), on every replica at once.

Given a person logged in on two devices, when the credential changes, then verify_session
refuses the ended sessions whichever identity replica answers, and a new login works.
"""

from __future__ import annotations

from typing import Any

from identity.service import IdentityService

from .conftest import FAST_ARGON2, NIR, OTHER_NIR, PASSWORD, SMALL_POOL, Journeys

NEW_PASSWORD = "Nouveau2024Caf"
ASKS = 8  # verify_session calls per check: they spread over both replicas


def ended(journeys: Journeys, token: str) -> bool:
    answers = {journeys.rpc.identity.verify_session(token)["reason"] for _ in range(ASKS)}
    assert len(answers) == 1, answers  # every replica says the same
    return answers == {"revoked"}


def two_replicas(journeys: Journeys, services: Any) -> Journeys:
    journeys.start()
    services.start(IdentityService, CLOCK=journeys.clock, **FAST_ARGON2, **SMALL_POOL)
    return journeys


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    journeys: Journeys, services: Any
) -> None:
    identity = two_replicas(journeys, services)
    identity.register_with_nir()
    here, elsewhere = identity.session(), identity.session()

    changed = identity.rpc.identity.change_password(here, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert changed["outcome"] == "changed"
    assert ended(identity, elsewhere)
    assert not ended(identity, here)
    assert not ended(identity, identity.session(NIR, NEW_PASSWORD))


def test_a_contact_change_ends_the_other_sessions_and_keeps_this_one(
    journeys: Journeys, services: Any
) -> None:
    identity = two_replicas(journeys, services)
    identity.register_with_nir()
    here, elsewhere = identity.session(), identity.session()
    new = "daniel.nouveau@test.fr"
    start = identity.rpc.identity.start_contact_change(here, PASSWORD, "email", new, new)

    changed = identity.rpc.identity.confirm_contact_change(
        here, start["change_id"], identity.next_code()
    )

    assert changed["outcome"] == "changed"
    assert ended(identity, elsewhere)
    assert not ended(identity, here)


def test_a_completed_password_reset_ends_every_session(journeys: Journeys, services: Any) -> None:
    identity = two_replicas(journeys, services)
    identity.register_with_nir()
    sessions = [identity.session(), identity.session()]

    identity.reset_password(NIR, "Test", NEW_PASSWORD)

    assert all(ended(identity, token) for token in sessions)
    assert not ended(identity, identity.session(NIR, NEW_PASSWORD))


def test_a_nir_assignment_ends_every_session_of_the_provisional_account(
    journeys: Journeys, services: Any
) -> None:
    identity = two_replicas(journeys, services)
    provisional = identity.register_without_nir()["identifier"]
    token = identity.session(provisional)

    identity.rpc.identity.assign_nir(provisional, OTHER_NIR, "agent-42")

    assert ended(identity, token)
    with_nir = identity.session(OTHER_NIR)
    assert identity.rpc.identity.verify_session(with_nir)["identifier_kind"] == "nir"
