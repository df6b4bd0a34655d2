"""The audit Jobs' database roles and the audit trail, on real PostgreSQL roles: the audit role
reads every store and appends to its trail, nothing more; the erasure role may also destroy
per-person keys; every command is recorded in each store it opens, with a pseudonym, never the
identifier; a store whose trail cannot be written is not read."""

from __future__ import annotations

import io
import uuid
from typing import Any

import psycopg
import pytest
from lockout.reservations import ReservationId

from audit.cli import main
from audit.stores import open_store
from shared import service_registry
from shared.identifiers import parse_identifier
from shared.runtime.pseudonyms import Pseudonymizer
from shared.runtime.runner import migrate
from shared.runtime.settings import parse_key

NIR = "1 63 06 31 555 082"


@pytest.fixture
def roles(pg_database):
    """Two login roles of this test (audit, erasure), dropped at the end."""
    suffix = uuid.uuid4().hex[:8]
    names = {"audit": f"caf_audit_{suffix}", "erasure": f"caf_erasure_{suffix}"}
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE ROLE "{name}" LOGIN')
    yield names
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def as_role(config: dict[str, Any], role: str, **more: str) -> dict[str, Any]:
    url = config["DATABASE_URL"].replace("://postgres@", f"://{role}@", 1)
    assert url != config["DATABASE_URL"], "the test database URL names its user"
    return {**config, "DATABASE_URL": url, "DATABASE_READ_ONLY": "true", **more}


def audit(config: dict[str, Any], *argv: str) -> int:
    return main(list(argv), config=config, out=io.StringIO())


def trail(config: dict[str, Any], store: str) -> list[Any]:
    app = open_store(store, config)
    try:
        return [entry for _, entry in app.audit_trail.entries()]
    finally:
        app.close()


@pytest.fixture
def stores(service_config, roles):
    """Every store migrated by its owner, granting the two roles; lockout holds a ladder."""
    config = {
        **service_config,
        "DATABASE_AUDIT_ROLE": roles["audit"],
        "DATABASE_ERASURE_ROLE": roles["erasure"],
    }
    for service in service_registry.SERVICES:
        migrate(service_registry.load(service.service_class), config)
    lockout: Any = open_store("lockout", config)
    reserved = lockout.reserve_attempt("ab" * 32)
    lockout.report_attempt(ReservationId.parse(reserved["reservation_id"]), False)
    lockout.close()
    return config


def test_given_the_audit_role_when_checking_every_store_then_it_reads_and_records(stores, roles):
    reader = as_role(stores, roles["audit"], AUDIT_OPERATOR="dpo.martin", AUDIT_REASON="REQ-42")

    assert audit(reader, "replay-check") == 0
    assert audit(reader, "chain-check") == 0

    for store in service_registry.names():
        commands = [(e.operator, e.command, e.reason) for e in trail(stores, store)]
        assert commands == [
            ("dpo.martin", "replay-check", "REQ-42"),
            ("dpo.martin", "chain-check", "REQ-42"),
        ]


def test_given_the_audit_role_then_it_cannot_write_a_store_nor_rewrite_its_trail(stores, roles):
    reader = as_role(stores, roles["audit"])
    lockout: Any = open_store("lockout", reader)
    try:
        with pytest.raises(Exception, match="permission denied"):
            lockout.vault.erase(uuid.uuid4())
        with pytest.raises(Exception, match="permission denied"):
            lockout.sql.execute("DELETE FROM {schema}audit_commands")
    finally:
        lockout.close()


def test_given_the_erasure_role_then_it_destroys_keys_but_records_no_event(stores, roles):
    eraser: Any = open_store("lockout", as_role(stores, roles["erasure"]))
    try:
        subject = uuid.uuid4()
        eraser.vault.erase(subject)  # what `audit erase` writes
        assert eraser.vault.key_for(subject, create=False) is None
        with pytest.raises(Exception, match="permission denied"):
            eraser.reserve_attempt("cd" * 32)
    finally:
        eraser.close()


def test_a_person_is_recorded_as_a_pseudonym_never_as_the_identifier(stores, roles):
    reader = as_role(stores, roles["audit"], AUDIT_OPERATOR="dpo.martin")

    assert audit(reader, "timeline", NIR) == 2  # nobody has this NIR here: still recorded

    (entry,) = trail(stores, "identity")
    pseudonyms = Pseudonymizer(parse_key(stores["PSEUDONYM_KEY"]))
    assert entry.person_key == pseudonyms.of("identifier", parse_identifier(NIR).value)
    with psycopg.connect(stores["DATABASE_URL"]) as conn:
        rows = conn.execute(
            f'SELECT * FROM "{stores["DATABASE_SCHEMA_PREFIX"]}identity".audit_commands'
        ).fetchall()
    assert rows and all("1630631555082" not in str(row) and NIR not in str(row) for row in rows)


def test_a_store_whose_trail_cannot_be_written_is_not_read(stores, roles, pg_database):
    with psycopg.connect(pg_database.url, autocommit=True) as conn:
        schema = f'"{stores["DATABASE_SCHEMA_PREFIX"]}lockout"'
        conn.execute(f'REVOKE INSERT ON {schema}.audit_commands FROM "{roles["audit"]}"')
    reader = as_role(stores, roles["audit"], AUDIT_OPERATOR="dpo.martin")

    assert audit(reader, "replay-check", "--store", "lockout") == 2
    assert trail(stores, "lockout") == []


def test_in_production_the_operator_must_be_named(stores, roles):
    reader = as_role(stores, roles["audit"], ENVIRONMENT="production")
    reader.pop("AUDIT_OPERATOR", None)

    assert audit(reader, "replay-check", "--store", "lockout") == 2
    assert trail(stores, "lockout") == []


def test_the_erasure_job_reads_the_identifier_from_its_environment(stores, roles):
    eraser = as_role(stores, roles["erasure"], AUDIT_OPERATOR="dpo.martin", AUDIT_IDENTIFIER=NIR)

    assert audit(eraser, "erase", "--yes") == 2  # nobody has this NIR: refused, yet recorded
    assert audit({**eraser, "AUDIT_IDENTIFIER": ""}, "erase", "--yes") == 2

    (entry,) = trail(stores, "identity")
    assert entry.command == "erase" and entry.details == {"yes": True}
    assert entry.person_key and NIR not in entry.person_key


def test_the_jobs_placeholder_is_no_operator(stores, roles):
    reader = as_role(stores, roles["audit"], AUDIT_OPERATOR="REPLACE_ME: who runs it")

    assert audit(reader, "replay-check", "--store", "lockout") == 2
    assert trail(stores, "lockout") == []


def test_the_trail_tells_who_accessed_a_person_and_reading_it_is_recorded(stores, roles):
    reader = as_role(stores, roles["audit"], AUDIT_OPERATOR="dpo.martin", AUDIT_REASON="REQ-7")
    audit(reader, "timeline", NIR)
    audit(reader, "replay-check", "--store", "identity")
    out = io.StringIO()

    status = main(["trail", NIR, "--store", "identity"], config=reader, out=out)

    assert status == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # the timeline, and this very reading, both about the person
    assert [line.split()[1:4] for line in lines] == [
        ["identity", "dpo.martin", "timeline"],
        ["identity", "dpo.martin", "trail"],
    ]
    assert NIR not in out.getvalue() and "1630631555082" not in out.getvalue()
