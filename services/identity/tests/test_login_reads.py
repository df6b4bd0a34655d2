"""A login's reads (issue #28): the identifier's index, the account and the account's session
revocations in one statement when this replica holds the index, and what another replica
recorded meanwhile is seen as before: a revocation changes the next session's generation, a
retired identifier no longer logs in. Two applications on one store are two replicas; on both
stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from identity.application import IdentityApplication
from identity.domain import IdentifierIndex
from identity.settings import IdentitySettings

from shared.runtime.clock import FrozenClock
from shared.testing import both_stores

from .journey_world import PASSWORD, World

pytestmark = both_stores

PROVISIONAL = "P33392250"


@pytest.fixture
def replicas(service_config: dict[str, Any]) -> Iterator[tuple[World, World]]:
    """Two identity replicas on the test's store, each with its own cache."""
    clock = FrozenClock()
    mapping = {**service_config, "ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1"}
    apps = [
        IdentityApplication(IdentitySettings.from_mapping(mapping, "identity"), clock=clock)
        for _ in range(2)
    ]
    worlds = [World(app, clock, service_config["NOTIFICATION_SEAL_PRIVATE_JWK"]) for app in apps]
    yield worlds[0], worlds[1]
    for app in apps:
        app.close()


class Reads:
    """Counts a replica's reads of the store (and, on PostgreSQL, refuses single reads)."""

    def __init__(self, app: IdentityApplication, monkeypatch: pytest.MonkeyPatch):
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


def session_generation(world: World, answer: dict[str, Any]) -> int:
    claims = world.app.login.tokens.read(answer["session"]["token"], world.clock.now())
    assert claims is not None
    return claims.generation


def test_a_login_where_the_index_is_held_reads_the_store_once(replicas, monkeypatch) -> None:
    # given an account that has logged in once on this replica (its index and account held)
    here, _ = replicas
    here.given_account()
    assert here.app.login.attempt(here.identifier(), PASSWORD, here.lockout)["outcome"] == "ok"

    # when it logs in again
    reads = Reads(here.app, monkeypatch)
    answer = here.app.login.attempt(here.identifier(), PASSWORD, here.lockout)

    # then one read brought index, account and revocations (it has none) up to date
    assert answer["outcome"] == "ok" and session_generation(here, answer) == 0
    assert reads.together == 1


def test_a_revocation_saved_by_another_replica_changes_the_next_session_s_generation(
    replicas,
) -> None:
    # given an account that logged in here, and whose sessions another replica then ended
    here, there = replicas
    account = here.given_account()
    first = here.app.login.attempt(here.identifier(), PASSWORD, here.lockout)
    assert session_generation(here, first) == 0
    there.app.save(there.app.store.revoke_sessions(account.id, cause="password_reset"))

    # when it logs in here again
    answer = here.app.login.attempt(here.identifier(), PASSWORD, here.lockout)

    # then the new session has the new generation: it lives, the first is over
    assert session_generation(here, answer) == 1
    assert here.app.sessions.verify(answer["session"]["token"])["valid"]
    assert here.app.sessions.verify(first["session"]["token"])["reason"] == "revoked"


def test_an_identifier_retired_by_another_replica_no_longer_logs_in_here(replicas) -> None:
    # given a provisional identifier that logged in here, then retired by another replica
    here, there = replicas
    here.given_account(identifier=PROVISIONAL)
    provisional = here.identifier(PROVISIONAL)
    assert here.app.login.attempt(provisional, PASSWORD, here.lockout)["outcome"] == "ok"
    index: IdentifierIndex = there.app.repository.get(
        there.app.store.identifier_index_id(provisional)
    )
    index.retire(at=there.clock.now())
    there.app.save(index)

    # when it is typed here again, with the right password
    answer = here.app.login.attempt(provisional, PASSWORD, here.lockout)

    # then it logs in to nothing: no account has it now
    assert answer["outcome"] == "invalid_credentials"
    assert here.app.store.account_for(provisional) is None
