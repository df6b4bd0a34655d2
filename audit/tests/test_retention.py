"""The retention job on a scripted history of the real services: the clock moves past each row
of the retention table (docs/privacy.md), the job expires that row and nothing earlier, reports
counts only, and replay-check and chain-check stay green."""

from __future__ import annotations

import io
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from lockout.domain import FailedLoginLadder

from audit.cli import main
from audit.stores import open_store
from shared.identifiers import parse_identifier
from shared.privacy.buckets import readable_until
from shared.runtime.clock import FrozenClock
from shared.testing import both_stores

from .history import NIR, PASSWORD, SOURCE, History, form_without_nir

pytestmark = pytest.mark.slow

UNKNOWN_NIR = "1 85 12 75 108 123"  # no account: its ladder is one of "identifiers with no account"
FROZEN_NIR = "2 90 01 13 055 321"  # no account either: frozen, then lifted by an agent
DAY = timedelta(days=1)
NOTHING = {
    "identity": {"connection_sources": 0, "agent_actions": 0, "unfinished_registrations": 0},
    "lockout": {"lockout_ladders": 0, "connection_sources": 0, "agent_actions": 0},
    "notification": {"deliveries": 0, "letter_spool": 0},
    "delegation": {},
}


class RetentionJob:
    """``python -m audit retention`` at an instant of the audit's own clock."""

    def __init__(self, config: dict[str, Any], start: datetime):
        self.config, self.clock = config, FrozenClock(start)

    def __call__(self, *argv: str, at: datetime) -> tuple[int, str]:
        self.clock.set(at)
        out = io.StringIO()
        return main(list(argv), config=self.config, out=out, clock=self.clock), out.getvalue()

    def expire(self, at: datetime) -> dict[str, dict[str, int]]:
        status, text = self("retention", "--json", at=at)
        assert status == 0
        return {report["store"]: report["expired"] for report in json.loads(text)}


@pytest.fixture
def history(services, rpc, service_config):
    script = History(services, rpc, service_config).start()
    yield script.run()
    script.stop()


@both_stores
def test_each_row_of_the_table_expires_on_time_and_replay_and_chain_stay_green(
    history, rpc, service_config
):
    # Given a person's history, plus a registration never completed and a ladder climbed by an
    # identifier with no account (one frozen and lifted by an agent, one left idle)
    unfinished = rpc.identity.start_registration(form_without_nir(history.captcha()))
    for identifier, failures in ((UNKNOWN_NIR, 2), (FROZEN_NIR, 5)):
        for _ in range(failures):
            history.clock.advance(minutes=1)
            rpc.identity.login(identifier, "Mauvais2024Mdp", history.captcha(), SOURCE)
    lifted = rpc.lockout.lift_freeze(FROZEN_NIR, "agent-42", "appel de M. Dupont")
    assert lifted == {"outcome": "lifted"}
    first, last = history.times["registered"] - timedelta(hours=1), history.clock.now()
    job = RetentionJob(service_config, last)

    # Just before the shortest durations: nothing goes
    assert job.expire(last + 29 * DAY) == {
        store: {**rows, "request_markers": 0} for store, rows in NOTHING.items()
    }

    # 30 days: the registration never completed, the idle ladder, and the requests'
    # idempotency markers in every store that acted on requests
    expired = job.expire(last + 31 * DAY)
    assert {store: rows["request_markers"] > 0 for store, rows in expired.items()} == {
        "identity": True,
        "lockout": True,
        "notification": False,  # it acts on events, not requests, in this history
        "delegation": True,
    }
    assert expired["identity"]["unfinished_registrations"] == 1
    assert expired["lockout"]["lockout_ladders"] == 1
    assert expired["identity"]["connection_sources"] == expired["notification"]["deliveries"] == 0
    identity: Any = open_store("identity", service_config)
    lockout: Any = open_store("lockout", service_config)
    try:
        registration = identity.repository.get(_uuid(unfinished["registration_id"]))
        assert registration.form.erased
        ladder_id = FailedLoginLadder.create_id(
            lockout.identifier_key(parse_identifier(UNKNOWN_NIR))
        )
        assert [type(e).__name__ for e in lockout.events.get(ladder_id)][-1] == "Forgotten"
        assert lockout.repository.get(ladder_id).failures == 0
    finally:
        identity.close()
        lockout.close()
    assert job.expire(last + 31 * DAY)["lockout"]["lockout_ladders"] == 0  # counted once

    # 6 months after the month of the logins: their sources
    sources = timedelta(days=183)
    assert job.expire(readable_until(first, sources) - DAY)["identity"]["connection_sources"] == 0
    after = readable_until(last, sources) + DAY
    expired = job.expire(after)
    assert expired["identity"]["connection_sources"] >= 1  # logins, failures, refused attempts
    assert expired["lockout"]["connection_sources"] >= 1  # the sources of reserved checks
    timeline = job("timeline", NIR, at=after)[1]
    assert "203.0.113.7" not in timeline
    assert "connexion réussie (password) depuis [données effacées]" in timeline
    history.clock.set(after)  # "Mon historique" from a login of that day
    token = rpc.identity.login(NIR, PASSWORD, None, {"ip": "198.51.100.4"})["session"]["token"]
    entries = rpc.identity.connection_history(token)
    newest, *older = [e for e in entries if e["kind"] == "connection"]
    # agents' look-ups and actions stay (date, agency, reason: not personal), years later
    assert {e["action"] for e in entries if e["kind"] != "connection"} >= {"agent_find_account"}
    assert newest["source"]["ip"] == "198.51.100.4" and newest["source_kept_for"] == "6 mois"
    assert newest["source_kept_until"] == readable_until(after, sources).isoformat()
    assert older and all(e["source"] is None and e["source_kept_until"] is None for e in older)

    # 1 year: the deliveries leave the export, their masked addresses are shredded
    exported = json.loads(job("export", NIR, at=after)[1])
    assert exported["notification"]["deliveries"]
    year = readable_until(last, timedelta(days=365)) + DAY
    assert job.expire(year)["notification"]["deliveries"] >= 1
    exported = json.loads(job("export", NIR, at=year)[1])
    assert exported["notification"]["deliveries"] == []
    assert not [e for e in exported["timeline"] if e["service"] == "notification"]
    kept = {row["category"]: row["kept_for"] for row in exported["retention"]}
    assert kept["deliveries"] == "1 an" and kept["connection_sources"] == "6 mois"

    # 5 years: the agent's reason for assigning the NIR
    five_years = readable_until(after, timedelta(days=1826)) + DAY
    expired = job.expire(five_years)
    assert expired["identity"]["agent_actions"] >= 1 and expired["lockout"]["agent_actions"] >= 1
    lockout = open_store("lockout", service_config)
    try:
        ladder_id = FailedLoginLadder.create_id(
            lockout.identifier_key(parse_identifier(FROZEN_NIR))
        )
        (reset,) = [e for e in lockout.events.get(ladder_id) if type(e).__name__ == "Reset"]
        assert reset.operator == "agent-42" and reset.note.erased
    finally:
        lockout.close()
    identity = open_store("identity", service_config)
    try:
        account = identity.repository.get(_uuid(history.account_id))
        (assigned,) = [
            e for e in identity.events.get(account.id) if type(e).__name__ == "NirAssigned"
        ]
        assert assigned.reason.erased and account.identifier.value == "1630631555082"
    finally:
        identity.close()

    # The history is still whole: replay and hash chain
    assert job("replay-check", at=five_years)[0] == 0
    assert job("chain-check", at=five_years)[0] == 0


def _uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)
