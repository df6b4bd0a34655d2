"""Tamper evidence and the replay check on a real lockout store (PostgreSQL), rows edited by
hand the way a database administrator could."""

from __future__ import annotations

import io
import json
from typing import Any

import psycopg
import pytest
from lockout.service import LockoutService

from audit.cli import main
from shared.runtime.eventstore import schema_of
from shared.runtime.settings import ServiceSettings
from shared.testing import relay_of

pytestmark = pytest.mark.slow


def audit(config: dict[str, Any], *argv: str) -> tuple[int, Any]:
    out = io.StringIO()
    status = main([*argv, "--store", "lockout", "--json"], config=config, out=out)
    return status, json.loads(out.getvalue())[0]


class LockoutStore:
    """A running lockout service with a few ladders and captchas, and SQL on its tables."""

    def __init__(self, services: Any, rpc: Any, config: dict[str, Any]):
        self.container = services.start(LockoutService, SNAPSHOT_INTERVAL="2")
        for index in range(3):
            rpc.lockout.new_captcha()
            reserved = rpc.lockout.reserve_attempt(f"{index:064x}")
            rpc.lockout.report_attempt(reserved["reservation_id"], False)
            reserved = rpc.lockout.reserve_attempt(f"{index:064x}")
            rpc.lockout.report_attempt(reserved["reservation_id"], False)
        relay_of(self.container).wait_until_caught_up()
        self.url = config["DATABASE_URL"]
        self.schema = schema_of(ServiceSettings.from_mapping(config, "lockout"), "lockout")

    def sql(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(statement.replace("{s}", f'"{self.schema}".'), params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture
def store(services, rpc, service_config) -> LockoutStore:
    return LockoutStore(services, rpc, service_config)


def test_an_altered_a_removed_and_reordered_events_are_named_where_they_are(store, service_config):
    status, clean = audit(service_config, "chain-check")
    assert status == 0 and clean["checked"] >= 12 and clean["breaks"] == []
    ids = [r[0] for r in store.sql("SELECT notification_id FROM {s}lockout_events ORDER BY 1")]
    altered, removed, first, second = ids[2], ids[5], ids[8], ids[9]

    store.sql(
        "UPDATE {s}lockout_events SET state = convert_to(replace("
        " convert_from(state, 'UTF8'), '0', '1'), 'UTF8')"
        " WHERE notification_id = %s",
        altered,
    )
    store.sql("DELETE FROM {s}lockout_events WHERE notification_id = %s", removed)
    states = dict(
        store.sql(
            "SELECT notification_id, state FROM {s}lockout_events"
            " WHERE notification_id IN (%s, %s)",
            first,
            second,
        )
    )
    for notification_id, other in ((first, second), (second, first)):
        store.sql(
            "UPDATE {s}lockout_events SET state = %s WHERE notification_id = %s",
            states[other],
            notification_id,
        )

    status, report = audit(service_config, "chain-check")

    assert status == 1
    assert [(b["notification_id"], b["kind"]) for b in report["breaks"]] == [
        (altered, "altered"),
        (removed, "removed"),
        (first, "altered"),
        (second, "altered"),
    ]


def test_a_chain_row_deleted_leaves_its_event_unchained_and_the_next_link_broken(
    store, service_config
):
    head = store.sql("SELECT max(notification_id) FROM {s}event_chain")[0][0]
    store.sql("DELETE FROM {s}event_chain WHERE notification_id = %s", head - 1)

    status, report = audit(service_config, "chain-check")

    assert status == 1
    assert [(b["notification_id"], b["kind"]) for b in report["breaks"]] == [
        (head - 1, "unchained"),
        (head, "altered"),
    ]


def test_replay_passes_then_names_the_aggregate_whose_snapshot_lies(store, service_config):
    status, clean = audit(service_config, "replay-check")
    assert status == 0 and clean["aggregates"] >= 6 and clean["snapshots"] >= 3
    [(originator_id,)] = store.sql(
        "SELECT originator_id FROM {s}lockout_snapshots ORDER BY originator_id LIMIT 1"
    )

    store.sql(
        "UPDATE {s}lockout_snapshots SET state = convert_to(regexp_replace("
        " convert_from(state, 'UTF8'), '\"failures\": ?\\d+', '\"failures\":7'), 'UTF8')"
        " WHERE originator_id = %s",
        originator_id,
    )
    status, report = audit(service_config, "replay-check")

    assert status == 1
    assert any(str(originator_id) in d and "failures" in d for d in report["differences"])
