"""The client against real services on the test's broker: French field messages restored,
correlation ids and timeouts by default, one client shared by green threads."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import eventlet
import pytest
from identity.service import IdentityService
from lockout.service import LockoutService
from probe_service import ProbeService

from connexion_client import (
    ConnexionClient,
    InvalidInput,
    RemoteFault,
    ServiceTimeout,
    ServiceUnavailable,
)

PACKAGE = Path(__file__).resolve().parents[2] / "connexion_client"


@pytest.fixture
def client(service_config: dict[str, Any]) -> Any:
    opened = ConnexionClient(service_config["AMQP_URI"], timeout=5.0, pool_size=3)
    yield opened
    opened.close()


def test_the_package_imports_nothing_of_the_services_nor_shared() -> None:
    imported = set()
    for source in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    assert imported <= {"__future__", "amqp", "collections", "contextlib", "contextvars",
                        "eventlet", "functools", "kombu", "nameko", "re", "socket", "typing",
                        "uuid"}  # fmt: skip


def test_invalid_input_comes_back_with_its_french_field_messages(services, client) -> None:
    services.start(IdentityService)

    with pytest.raises(InvalidInput) as refused:
        client.identity.start_password_reset(nir="1 63", birth_name="", captcha={})

    assert refused.value.code == "invalid_input"
    assert refused.value.message == "Certains champs sont invalides."
    assert set(refused.value.fields) >= {"nir", "birth_name"}
    assert all(isinstance(m, str) and m for ms in refused.value.fields.values() for m in ms)
    assert refused.value.as_dict()["fields"] == refused.value.fields


def test_a_business_outcome_is_a_result(services, client) -> None:
    services.start(IdentityService)
    services.start(LockoutService)

    answer = client.identity.login(
        identifier="1 63 06 31 555 082", password="Pas2LeBon00", source={"ip": "203.0.113.7"}
    )

    assert answer["outcome"] == "invalid_credentials"
    assert answer["attempts_left"] == 4
    assert client.call("lockout", "new_captcha")["captcha_id"]


def test_each_call_carries_a_fresh_correlation_id_unless_a_block_names_one(
    services, client
) -> None:
    services.start(ProbeService)

    first, second = client.probe.correlation(), client.probe.correlation()
    with client.correlated("req-42"):
        inside = [client.probe.correlation(), client.call("probe", "correlation")]

    assert first.startswith("cc-") and second.startswith("cc-") and first != second
    assert inside == ["req-42", "req-42"]
    assert client.probe.correlation() != "req-42"


def test_a_slow_service_times_out_and_the_client_stays_usable(services, service_config) -> None:
    services.start(ProbeService)
    client = ConnexionClient(service_config["AMQP_URI"], timeout=0.5, pool_size=1)

    with pytest.raises(ServiceTimeout):
        client.probe.slow(seconds=2)

    assert client.probe.slow(seconds=0) == "done"
    client.close()


def test_no_listener_or_no_broker_is_service_unavailable(services, client) -> None:
    with pytest.raises(ServiceUnavailable):
        client.probe.correlation()

    unreachable = ConnexionClient("amqp://guest:guest@127.0.0.1:1//", timeout=1.0)
    with pytest.raises(ServiceUnavailable):
        unreachable.probe.correlation()


def test_other_remote_errors_are_remote_faults(services, client) -> None:
    services.start(ProbeService)

    with pytest.raises(RemoteFault) as fault:
        client.probe.no_such_method()

    assert fault.value.exc_type == "MethodNotFound"


def test_green_threads_share_one_client_and_each_gets_its_own_answer(services, client) -> None:
    services.start(ProbeService)
    names = [f"req-{n}" for n in range(12)]

    def call(name: str) -> str:
        with client.correlated(name):
            eventlet.sleep(0)
            return str(client.probe.correlation())

    pool = eventlet.GreenPool()
    assert list(pool.imap(call, names)) == names
