"""Timeline, point in time, export and erasure on a scripted history of the real services."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from notification.channels.letter import LetterChannel, read_batch_index
from notification.contacts import Recipient
from notification.messages import Message

from audit.cli import main

from .history import NIR, PASSWORD, SOURCE, History

pytestmark = pytest.mark.slow
POSTAL = Recipient(
    "letter", {"lines": ["Marie Morvan", "12 rue des Lilas", "31000 Toulouse"]}, "Marie Morvan"
)


def audit(config: dict[str, Any], *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), config=config, out=out)
    return status, out.getvalue()


@pytest.fixture
def history(services, rpc, service_config):
    script = History(services, rpc, service_config).start()
    yield script.run()
    script.stop()


def test_the_timeline_tells_the_history_in_order_by_nir_or_provisional_identifier(
    history, service_config
):
    status, text = audit(service_config, "timeline", NIR)
    _, as_json = audit(service_config, "timeline", history.provisional, "--json")

    assert status == 0
    entries = json.loads(as_json)
    summaries = [e["summary"] for e in entries]
    expected_in_order = [
        "inscription (identifiant provisional)",
        "échec de connexion (identifiant ou mot de passe incorrect) depuis 203.0.113.7",
        "captcha exigé désormais",
        "compte gelé jusqu'à",
        "fin du gel",
        "connexion réussie (password) depuis 203.0.113.7",
        "l'application « appli-caf » autorisée (application de la Caf) : openid profile",
        "connexion à l'application « appli-caf » par Caf connect (jetons émis)",
        "jeton de rafraîchissement de l'application « appli-caf » réutilisé",
        "NIR attribué par agent-42",
        "consultation du compte par agent-42 (Caf, motif appel)",
        "rattaché à un dossier",
        "délégation accordée au conjoint",
    ]
    positions = [
        next(i for i, s in enumerate(summaries) if s.startswith(wanted))
        for wanted in expected_in_order
    ]
    assert positions == sorted(positions), summaries
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    assert any(e["service"] == "notification" and e["event"] == "Sent" for e in entries)
    assert "fin du gel" in text and "agent-42" in text
    # which application the person logged in to (issue #34): its id, in every entry about it
    applications = [e for e in entries if e["details"].get("client_id") == "appli-caf"]
    assert [e["event"] for e in applications] == [
        "ClientGrant.Granted", "TokenFamily.Started", "TokenFamily.ReuseDetected",
    ]  # fmt: skip
    assert "connexion à l'application « appli-caf » par Caf connect" in text


def test_point_in_time_shows_the_ladder_frozen_then_the_account_before_and_after_its_nir(
    history, service_config
):
    frozen_at = history.times["frozen"].isoformat()
    before_nir = (history.times["nir_assigned"] - timedelta(minutes=1)).isoformat()
    after_nir = history.times["nir_assigned"].isoformat()

    _, ladder = audit(service_config, "at", "ladder", history.provisional, frozen_at)
    _, earlier = audit(service_config, "at", "account", NIR, before_nir)
    _, later = audit(service_config, "at", "account", history.provisional, after_nir)
    status, _ = audit(service_config, "at", "household", "0123456", before_nir)

    assert json.loads(ladder)["view"]["gate"] == "frozen"
    assert json.loads(ladder)["state"]["failures"] == 5
    assert json.loads(earlier)["state"]["identifier_kind"] == "provisional"
    assert json.loads(later)["state"]["identifier_kind"] == "nir"
    # as the export: no argon2 hash; and the identifier masked
    assert json.loads(later)["state"]["identifier"] == "1 ** ** ** *** 082"
    assert json.loads(earlier)["state"]["identifier"] == "P*****" + history.provisional[-3:]
    for shown in (earlier, later):
        assert "password_hash" not in json.loads(shown)["state"]
        assert "$argon2" not in shown and "1630631555082" not in shown
    assert status == 2  # the household was filed later: it did not exist yet


def test_erasure_shreds_the_person_everywhere_while_replay_timeline_and_chain_still_work(
    history, service_config
):
    _, before = audit(service_config, "export", NIR)
    assert json.loads(before)["identity"]["account"]["civil_status"]["birth_name"] == "MORVAN"

    assert audit(service_config, "erase", NIR)[0] == 2  # not without --yes
    status, erased = audit(service_config, "erase", NIR, "--yes")

    assert status == 0 and set(json.loads(erased)["erased"]) == {
        "identity", "lockout", "delegation", "notification"
    }  # fmt: skip
    exported = json.loads(audit(service_config, "export", NIR)[1])
    account = exported["identity"]["account"]
    assert account["civil_status"] == account["contact"] == "[données effacées]"
    assert exported["delegation"]["households"][0]["member"]["names"] == "[données effacées]"
    assert "MORVAN" not in json.dumps(exported) and "203.0.113.7" not in json.dumps(exported)
    timeline = audit(service_config, "timeline", NIR)[1]
    assert "connexion réussie (password) depuis [données effacées]" in timeline
    assert audit(service_config, "replay-check")[0] == 0
    assert audit(service_config, "chain-check")[0] == 0
    # as the audit Job runs it: the board compared where it stands, nothing written
    assert audit({**service_config, "DATABASE_READ_ONLY": "true"}, "replay-check")[0] == 0


def test_erasure_ends_every_session_of_the_account(history, rpc, service_config):
    # Given the person logged in on two devices after the history, both sessions live
    def login() -> str:
        ok = rpc.identity.login(NIR, PASSWORD, history.captcha(), SOURCE)
        assert ok["outcome"] == "ok", ok
        return str(ok["session"]["token"])

    tokens = [login(), login()]
    assert all(rpc.identity.verify_session(t)["valid"] for t in tokens)

    # When the DPO erases the person
    assert audit(service_config, "erase", NIR, "--yes")[0] == 0

    # Then identity refuses both sessions from then on (SPEC §16)
    for token in tokens:
        assert rpc.identity.verify_session(token) == {
            "valid": False, "account_id": None, "identifier_kind": None,
            "auth_method": None, "expires_at": None, "reason": "revoked",
        }  # fmt: skip


def test_erasure_deletes_the_persons_letters_still_in_the_print_spool(history, service_config):
    # Given letters in the print spool for two of the person's deliveries, and another person's
    exported = json.loads(audit(service_config, "export", NIR)[1])
    theirs = [uuid.UUID(d["delivery_id"]) for d in exported["notification"]["deliveries"]][:2]
    assert theirs
    spool = Path(service_config["DATA_DIR"]) / "letters"  # LETTER_SPOOL_DIR's default
    channel = LetterChannel(spool, now=lambda: datetime(2026, 11, 27, 10, 0))
    someone_else = uuid.uuid4()
    for delivery_id in (*theirs, someone_else):
        channel.send(delivery_id, POSTAL, Message(subject="Votre code", body="Code : 123456"))

    # When the DPO erases the person
    assert audit(service_config, "erase", NIR, "--yes")[0] == 0

    # Then their letters and index rows are gone; the other person's letter is still to print
    day = spool / "2026-11-27"
    assert sorted(p.name for p in day.glob("*.pdf")) == [f"{someone_else}.pdf"]
    rows = read_batch_index(spool, date(2026, 11, 27))
    assert [row["delivery_id"] for row in rows] == [str(someone_else)]
