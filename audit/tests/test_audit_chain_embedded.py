"""The hash chain and the replay check on an embedded (SQLite) lockout store, no broker: the
chain extended as the relay does, including a store older than the chain."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

import pytest
from lockout.reservations import ReservationId

from audit.progress import Progress
from audit.replay import read_model_checks, replay_store
from audit.stores import open_store


@pytest.fixture
def lockout(tmp_path, test_secrets) -> Any:
    config = {"ENVIRONMENT": "test", "DATA_DIR": str(tmp_path), **test_secrets}
    app: Any = open_store("lockout", config)
    for index in range(4):
        reserved = app.reserve_attempt(f"{index:064x}")
        app.report_attempt(ReservationId.parse(reserved["reservation_id"]), False)
    yield app
    app.close()


def log_of(app: Any) -> list[Any]:
    return list(app.process_recorder.select_notifications(start=0, limit=100))


def test_a_store_older_than_the_chain_is_chained_from_its_first_event(lockout):
    log = log_of(lockout)
    # The relay already published the first half before the chain existed.
    lockout.chain.extend(lockout.process_recorder, log[6:], after=log[5].id)

    report = lockout.chain.verify(lockout.process_recorder)

    assert report.ok and report.checked == len(log) and report.pending == 0


def test_a_batch_read_again_after_a_crash_is_not_chained_twice(lockout):
    log = log_of(lockout)
    lockout.chain.extend(lockout.process_recorder, log[:5], after=0)
    lockout.chain.forget_position()
    lockout.chain.extend(lockout.process_recorder, log[:8], after=0)

    report = lockout.chain.verify(lockout.process_recorder)

    assert report.ok and report.checked == 8 and report.pending == len(log) - 8


def test_an_altered_event_is_named_by_its_position(lockout, tmp_path):
    log = log_of(lockout)
    lockout.chain.extend(lockout.process_recorder, log, after=0)
    with sqlite3.connect(tmp_path / "lockout.sqlite") as db:
        db.execute(
            "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), '0', '1') AS BLOB)"
            " WHERE rowid = ?",
            (log[3].id,),
        )

    report = lockout.chain.verify(lockout.process_recorder)

    assert [(b.notification_id, b.kind) for b in report.breaks] == [(log[3].id, "altered")]
    assert "FailedLoginLadder" in report.breaks[0].describe()


class OwnCheck:
    name = "own"

    def differences(self, app: Any) -> list[str]:
        return ["declared by the service"]


def test_a_service_declares_its_own_read_model_checks(lockout):
    lockout.audit_read_model_checks = lambda: [OwnCheck()]

    report = replay_store("lockout", lockout)

    assert [c.name for c in read_model_checks("lockout", lockout)] == ["own"]
    assert report.read_models == ["own"]
    assert report.differences == ["lockout read model own: declared by the service"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_on_a_terminal_only():
    shown, hidden = Terminal(), io.StringIO()
    for stream in (shown, hidden):
        with Progress("identity", 4, stream) as bar:
            for _ in range(4):
                bar.advance()

    assert shown.getvalue().rstrip().endswith("[" + "#" * 30 + "] 4/4")
    assert hidden.getvalue() == ""
