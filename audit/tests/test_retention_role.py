"""The retention job's database role, on real PostgreSQL roles (shared/runtime/retention_role.py):
it runs the retention job on every store, and can do nothing more than what the retention table
expires: it cannot insert or delete events where the table records none, nor read a key where it
needs none, nor change the audit trail."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from lockout.reservations import ReservationId

from audit.cli import main
from audit.stores import open_store
from shared import service_registry
from shared.runtime.retention_role import reads_keys, records_events
from shared.runtime.runner import migrate


@pytest.fixture
def role(pg_database):
    name = f"caf_retention_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
    yield name
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


@pytest.fixture
def stores(service_config, role):
    """Every store migrated by its owner, granting the retention role; lockout holds a ladder."""
    config = {**service_config, "DATABASE_RETENTION_ROLE": role}
    for service in service_registry.SERVICES:
        migrate(service_registry.load(service.service_class), config)
    lockout: Any = open_store("lockout", config)
    reserved = lockout.reserve_attempt("ab" * 32)
    lockout.report_attempt(ReservationId.parse(reserved["reservation_id"]), False)
    lockout.close()
    return config


def as_retention(config: dict[str, Any], role: str) -> dict[str, Any]:
    url = config["DATABASE_URL"].replace("://postgres@", f"://{role}@", 1)
    return {**config, "DATABASE_URL": url, "DATABASE_READ_ONLY": "true"}


def test_what_the_retention_table_makes_the_job_do_in_each_store() -> None:
    assert [s for s in service_registry.names() if records_events(s)] == ["lockout"]
    assert {s for s in service_registry.names() if reads_keys(s)} == {"identity", "lockout"}


def test_given_the_retention_role_the_job_runs_on_every_store(stores, role) -> None:
    out = io.StringIO()
    status = main(["retention", "--json"], config=as_retention(stores, role), out=out)
    assert status == 0
    reports = {report["store"] for report in json.loads(out.getvalue())}
    assert reports == set(service_registry.names())


@pytest.mark.parametrize("store", ["identity", "notification", "delegation"])
def test_the_retention_role_cannot_insert_or_delete_events_nor_change_the_trail(
    stores, role, store
) -> None:
    app: Any = open_store(store, as_retention(stores, role))
    try:
        events = app.sql.events_table
        forbidden = [
            f"INSERT INTO {events} (originator_id, originator_version, topic, state)"
            " VALUES (gen_random_uuid(), 1, 'x', 'x')",
            f"DELETE FROM {events}",
            f"UPDATE {events} SET topic = 'x'",
            "DELETE FROM {schema}personal_data_keys",
            "DELETE FROM {schema}audit_commands",
            "UPDATE {schema}audit_commands SET operator = 'someone else'",
        ]
        if not reads_keys(store):  # notification's months, delegation: no key is read
            forbidden.append("SELECT wrapped_key FROM {schema}personal_data_keys")
        for statement in forbidden:
            with pytest.raises(Exception, match="permission denied"):
                app.sql.execute(statement)
        subject = uuid.uuid4()
        app.vault.erase(subject)  # what the job does: destroy a key
        assert app.vault.is_erased(subject)
    finally:
        app.close()


def test_in_lockout_it_may_append_events_but_not_delete_them(stores, role) -> None:
    app: Any = open_store("lockout", as_retention(stores, role))
    try:
        for statement in (
            f"DELETE FROM {app.sql.events_table}",
            "DELETE FROM {schema}personal_data_keys",
            "DELETE FROM {schema}audit_commands",
        ):
            with pytest.raises(Exception, match="permission denied"):
                app.sql.execute(statement)
    finally:
        app.close()


@pytest.mark.slow
def test_given_expired_rows_the_retention_role_expires_them(services, rpc, service_config, role):
    # Given a registration never completed and an idle ladder (the history of test_retention)
    from .history import SOURCE, History, form_without_nir
    from .test_retention import UNKNOWN_NIR, RetentionJob

    history = History(services, rpc, service_config).start()
    try:
        script = history.run()
        rpc.identity.start_registration(form_without_nir(script.captcha()))
        for _ in range(2):
            script.clock.advance(minutes=1)
            rpc.identity.login(UNKNOWN_NIR, "Mauvais2024Mdp", script.captcha(), SOURCE)
        last = script.clock.now()
    finally:
        history.stop()
    config = {**service_config, "DATABASE_RETENTION_ROLE": role}
    for service in service_registry.SERVICES:  # the migration of the next release grants
        migrate(service_registry.load(service.service_class), config)

    # When the job runs 31 days later under the retention role, then both expire
    job = RetentionJob(as_retention(config, role), last)
    expired = job.expire(last + timedelta(days=31))
    assert expired["identity"]["unfinished_registrations"] == 1
    assert expired["lockout"]["lockout_ladders"] == 1  # a Forgotten event recorded
    # and a year later the deliveries' month keys go, read by no key
    assert job.expire(last + timedelta(days=400))["notification"]["deliveries"] >= 1
