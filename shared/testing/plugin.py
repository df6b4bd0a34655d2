"""pytest plugin: real RabbitMQ and PostgreSQL, isolated per session; services in-process.

Fixtures (see each docstring): ``amqp_vhost``, ``pg_database``, ``test_secrets``,
``store_kind`` (``postgres`` by default; ``@both_stores`` runs a test on both),
``service_config``, ``services``, ``rpc``, ``publish_event``.

    def test_freeze(services, rpc):
        services.start(LockoutService)
        assert rpc.lockout.status("1 63 06 31 555 082")["state"] == "open"
"""

from __future__ import annotations

import shared.runtime.bootstrap  # noqa: F401  (eventlet and psycopg first)

# isort: split

import uuid
from collections.abc import Iterator
from typing import Any

import eventlet
import pytest
from kombu import Connection, Producer
from nameko.containers import ServiceContainer
from nameko.standalone.events import get_event_exchange
from nameko.standalone.rpc import ClusterRpcProxy

from shared import events
from shared.testing import secrets as test_secrets_module
from shared.testing.infrastructure import Database, Vhost


@pytest.fixture
def amqp_vhost() -> Iterator[Vhost]:
    """A RabbitMQ vhost of this test (deleted at the end): no queue outlives its test."""
    vhost = Vhost()
    vhost.create()
    yield vhost
    vhost.delete()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[Database]:
    """A PostgreSQL database of this session (dropped at the end)."""
    database = Database()
    database.create()
    yield database
    database.drop()


@pytest.fixture(scope="session")
def test_secrets() -> dict[str, Any]:
    """Keys of this session (pseudonyms, personal data, sealing, sessions)."""
    return test_secrets_module.generate()


@pytest.fixture
def store_kind() -> str:
    """Which store services use: ``postgres`` unless the test is marked ``@both_stores``."""
    return "postgres"


@pytest.fixture
def service_config(
    store_kind: str,
    amqp_vhost: Vhost,
    request: pytest.FixtureRequest,
    tmp_path: Any,
    test_secrets: dict[str, Any],
) -> dict[str, Any]:
    """The nameko config (= settings mapping) of services started by this test.

    Every test gets fresh stores: a new schema prefix on PostgreSQL, a new DATA_DIR embedded.
    """
    config: dict[str, Any] = {
        "AMQP_URI": amqp_vhost.uri,
        "ENVIRONMENT": "test",
        "DATA_DIR": str(tmp_path / "data"),
        "RELAY_POLL_INTERVAL_S": "0.01",
        "CONSUMER_RETRY_DELAYS_S": "0.2,0.4",
        "RPC_TIMEOUT_S": "20",
        "DATABASE_POOL_SIZE": "3",  # many containers per test run: stay under max_connections
        **test_secrets,
    }
    if store_kind == "postgres":
        database = request.getfixturevalue("pg_database")
        config["DATABASE_URL"] = database.url
        config["DATABASE_SCHEMA_PREFIX"] = "t" + uuid.uuid4().hex[:10] + "_"
    return config


class Services:
    """Starts nameko service containers in this process and stops them after the test."""

    def __init__(self, config: dict[str, Any]):
        self.config = config
        self.containers: list[ServiceContainer] = []

    def start(self, service_class: type, **overrides: Any) -> ServiceContainer:
        """Starts one container of ``service_class``; ``overrides`` change its config."""
        container = ServiceContainer(service_class, {**self.config, **overrides})
        container.start()
        self.containers.append(container)
        return container

    def stop(self, container: ServiceContainer) -> None:
        container.stop()
        if container in self.containers:
            self.containers.remove(container)

    def kill(self, container: ServiceContainer) -> None:
        """Stops a container abruptly (its workers and relay die where they stand)."""
        container.kill()
        if container in self.containers:
            self.containers.remove(container)

    def restart(self, container: ServiceContainer, **overrides: Any) -> ServiceContainer:
        config = {**container.config, **overrides}
        self.stop(container)
        restarted = ServiceContainer(container.service_cls, config)
        restarted.start()
        self.containers.append(restarted)
        return restarted

    def stop_all(self, timeout: float = 30.0) -> None:
        """Stops every container gracefully; one that hangs past ``timeout`` is killed."""
        pool = eventlet.GreenPool()
        for container in self.containers:
            pool.spawn(_stop_or_kill, container, timeout)
        pool.waitall()
        self.containers.clear()


def _stop_or_kill(container: ServiceContainer, timeout: float) -> None:
    try:
        with eventlet.Timeout(timeout):
            container.stop()
    except eventlet.Timeout:
        container.kill()


@pytest.fixture
def services(service_config: dict[str, Any]) -> Iterator[Services]:
    """``services.start(MyService)`` runs a real container on the test's broker and store."""
    running = Services(service_config)
    yield running
    running.stop_all()


@pytest.fixture
def rpc(service_config: dict[str, Any]) -> Iterator[Any]:
    """A gateway's view: ``rpc.identity.login(...)`` over real RabbitMQ, 20 s timeout."""
    with ClusterRpcProxy(
        service_config, timeout=20, context_data={"correlation_id": "test-" + uuid.uuid4().hex}
    ) as proxy:
        yield proxy


@pytest.fixture
def rpc_clients(service_config: dict[str, Any]) -> Iterator[Any]:
    """``rpc_clients(n)``: n independent gateway clients, for concurrent calls (one RPC
    client must not be shared by green threads). Closed after the test."""
    opened: list[ClusterRpcProxy] = []

    def make(count: int, timeout: float = 30) -> list[Any]:
        clients = []
        for _ in range(count):
            proxy = ClusterRpcProxy(service_config, timeout=timeout)
            opened.append(proxy)
            clients.append(proxy.start())
        return clients

    yield make
    for proxy in opened:
        proxy.stop()


@pytest.fixture
def publish_event(service_config: dict[str, Any]) -> Iterator[Any]:
    """Publishes an integration event as its producer's relay would.

    ``publish_event("AccountCreated", payload, producer="identity", position=1)``
    returns the message (dict) that was published.
    """
    connection = Connection(service_config["AMQP_URI"], transport_options={"confirm_publish": True})

    def publish(
        event_type: str, payload: dict[str, Any], *, producer: str, position: int, **kwargs: Any
    ) -> dict[str, Any]:
        message = events.build(event_type, payload, producer=producer, position=position, **kwargs)
        exchange = get_event_exchange(producer, {})
        Producer(connection.default_channel).publish(
            message,
            exchange=exchange,
            routing_key=event_type,
            serializer="json",
            declare=[exchange],
            delivery_mode=2,
            headers={"nameko.correlation_id": message["correlation_id"] or ""},
        )
        return message

    yield publish
    connection.release()
