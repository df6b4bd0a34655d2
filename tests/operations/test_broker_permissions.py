"""The broker enforces who calls what (SPEC §16): each caller connects as its own RabbitMQ user
(docs/security.md), and the citizen portal's user cannot reach the back office, the default
exchange, nor the RPC exchange's configuration and bindings. Real RabbitMQ, real services."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from amqp.exceptions import AccessRefused
from delegation.service import DelegationService
from identity.service import IdentityService
from kombu import Connection, Exchange, Producer, Queue
from lockout.service import LockoutService
from notification.service import NotificationService

from shared.runtime.broker_users import RPC_EXCHANGE
from shared.runtime.rpc import CallerRpcProxy
from shared.testing import wait_for
from shared.testing.broker_users import BrokerUsers, config_as

NIR = "1 63 06 31 555 082"


@pytest.fixture
def running(services: Any, broker_users: BrokerUsers) -> Iterator[None]:
    """The four services, each under its own user (stopped before the users go)."""
    for service in (IdentityService, LockoutService, NotificationService, DelegationService):
        # one failure throttles a source: lockout then publishes SourceThrottled
        services.start(
            service, AMQP_URI=broker_users.uri(service.name), LOCKOUT_SOURCE_MAX_IDENTIFIERS="1"
        )
    yield
    services.stop_all()


def refused(action: Any) -> bool:
    try:
        action()
    except AccessRefused:
        return True
    return False


def call_as(
    users: BrokerUsers, caller: str, config: dict[str, Any], service: str, method: str, *args: Any
) -> Any:
    with CallerRpcProxy(caller, config_as(config, users, caller), timeout=20) as rpc:
        return getattr(rpc[service], method)(*args)


def test_services_work_under_their_own_users_and_each_gateway_calls_its_methods(
    running: None, broker_users: BrokerUsers, service_config: dict[str, Any]
) -> None:
    tap_uri = broker_users.vhost.uri  # the administrator, to watch lockout's events
    with Connection(tap_uri) as tap:
        seen = Queue(
            "tap-" + uuid.uuid4().hex,
            Exchange("lockout.events", type="topic", durable=True),
            routing_key="#",
            exclusive=True,
        ).bind(tap.default_channel)
        seen.declare()

        answer = call_as(
            broker_users,
            "portal",
            service_config,
            "identity",
            "login",
            NIR,
            "Mauvais2024Caf",
            None,
            {"ip": "203.0.113.7"},
        )
        assert answer["outcome"] == "invalid_credentials"  # identity -> lockout -> replies
        lifted = call_as(
            broker_users,
            "back-office",
            service_config,
            "lockout",
            "lift_freeze",
            NIR,
            "agent-1",
            "appel de la personne",
        )
        assert "outcome" in lifted
        # lockout's relay published the throttle with lockout's own user
        assert wait_for(lambda: seen.get(no_ack=True) is not None, timeout=10)


@pytest.mark.parametrize(
    ("service", "method", "args"),
    [
        ("identity", "update_contacts", (NIR, {"email": "pirate@example.org"}, "anyone")),
        ("lockout", "lift_freeze", (NIR, "anyone", "none")),
        ("lockout", "report_attempt", (str(uuid.uuid4()), True)),
        ("delegation", "register_household", ("123", [])),
    ],
)
def test_the_portal_cannot_call_back_office_or_service_methods(
    broker_users: BrokerUsers,
    service_config: dict[str, Any],
    service: str,
    method: str,
    args: tuple[Any, ...],
) -> None:
    assert refused(lambda: call_as(broker_users, "portal", service_config, service, method, *args))


def test_the_portal_cannot_use_the_default_exchange_nor_configure_or_bind_the_rpc_exchange(
    broker_users: BrokerUsers,
) -> None:
    uri = broker_users.uri("portal")
    own_queue = "rpc.reply-portal-" + str(uuid.uuid4())

    def publish_to_identity_queue() -> None:
        with Connection(uri, transport_options={"confirm_publish": True}) as conn:
            Producer(conn.default_channel).publish(
                {"args": [], "kwargs": {}}, exchange="", routing_key="rpc-identity"
            )

    def on_channel(action: Any) -> Any:
        def run() -> None:
            with Connection(uri) as conn:
                action(conn.default_channel)

        return run

    rpc_exchange = Exchange(RPC_EXCHANGE, type="topic", durable=True)
    assert refused(publish_to_identity_queue)
    assert refused(on_channel(lambda ch: ch.exchange_delete(RPC_EXCHANGE)))
    assert refused(on_channel(lambda ch: rpc_exchange.bind(ch).declare()))

    def bind(key: str) -> Any:
        passive = Exchange(RPC_EXCHANGE, type="topic", durable=True, passive=True)
        queue = Queue(own_queue, passive, routing_key=key, auto_delete=True)
        return on_channel(lambda channel: queue.bind(channel).declare())

    assert refused(bind("identity.*"))
    assert refused(bind("#"))
    assert not refused(bind(str(uuid.uuid4())))  # its own replies: allowed
