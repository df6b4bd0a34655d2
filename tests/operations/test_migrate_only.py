"""``runner --migrate-only``: the init step of a pod creates the store's tables and exits."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from captured_logs import json_logs

from shared.runtime import runner


def tables_of(database_url: str, schema: str) -> set[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {row[0] for row in rows}


def test_migrate_only_creates_the_tables_and_exits(
    service_config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in service_config.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("AMQP_URI", "amqp://nobody:nothing@127.0.0.1:1/")  # not needed to migrate
    schema = service_config["DATABASE_SCHEMA_PREFIX"] + "lockout"
    assert tables_of(service_config["DATABASE_URL"], schema) == set()

    with json_logs("INFO"):  # the runner configures logging: restored afterwards
        runner.main(["--migrate-only", "lockout"])

    assert {"lockout_events", "lockout_tracking"} <= tables_of(
        service_config["DATABASE_URL"], schema
    )
    assert "store of lockout is ready" in capsys.readouterr().out
