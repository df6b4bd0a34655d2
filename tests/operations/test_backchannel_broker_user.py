"""Caf connect's back-channel logout sender (gateway/oidc/backchannel.py) runs as its own
RabbitMQ user with a consumer's rights only (SPEC §16, docs/security.md): its event queues,
their retries and dead letters through ``backchannel.redeliveries``, and the two identity
methods it calls; no RPC queue, no events of its own. Real RabbitMQ, the real sender."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from kombu import Connection, Exchange, Producer, Queue
from test_broker_permissions import refused

from gateway.oidc.backchannel import BackchannelLogoutSender
from gateway.oidc.keys import new_key_set
from shared.runtime.broker_users import RPC_EXCHANGE
from shared.testing import wait_for
from shared.testing.broker_users import BrokerUsers

DEAD_LETTERS = (
    "evt-identity-BackchannelLogoutDue--backchannel.on_backchannel_logout_due.dead-letter"
)


@pytest.fixture
def sender(services: Any, broker_users: BrokerUsers) -> Iterator[None]:
    """The sender as ``backchannel`` (stopped before the users go)."""
    services.start(
        BackchannelLogoutSender,
        AMQP_URI=broker_users.uri("backchannel"),
        API_CLIENTS="{}",
        OIDC_SIGNING_KEYS=json.dumps(new_key_set()),
        PUBLIC_URL="https://connexion.caf.example",
    )
    yield
    services.stop_all()


def test_the_sender_consumes_and_dead_letters_under_its_own_user(
    sender: None, broker_users: BrokerUsers
) -> None:
    """Given the sender started as ``backchannel`` (it declares its queues and binds them, the
    RPC exchange passively), when a message breaking the contract comes, then it moves it to its
    dead letters itself, through ``backchannel.redeliveries``."""
    with Connection(broker_users.vhost.uri) as admin:  # identity's relay stands for identity
        Producer(admin.default_channel).publish(
            {"not": "an envelope"},
            exchange=Exchange("identity.events", type="topic", durable=True),
            routing_key="BackchannelLogoutDue",
            serializer="json",
        )
        dead_letters = Queue(DEAD_LETTERS, durable=True, no_declare=True).bind(
            admin.default_channel
        )
        assert wait_for(lambda: dead_letters.get(no_ack=True) is not None, timeout=10)


def test_the_sender_has_no_rpc_queue_nor_events_of_its_own(broker_users: BrokerUsers) -> None:
    uri = broker_users.uri("backchannel")

    def on_channel(action: Any) -> Any:
        def run() -> None:
            with Connection(uri, transport_options={"confirm_publish": True}) as conn:
                action(conn.default_channel)

        return run

    own_events = Exchange("backchannel.events", type="topic", durable=True)
    assert refused(on_channel(lambda ch: own_events.bind(ch).declare()))
    assert refused(on_channel(lambda ch: Queue("rpc-backchannel", durable=True).bind(ch).declare()))

    def bind_reply_queue(key: str) -> Any:
        rpc = Exchange(RPC_EXCHANGE, type="topic", durable=True, passive=True)
        queue = Queue("rpc.reply-backchannel-" + str(uuid.uuid4()), rpc, routing_key=key,
                      auto_delete=True)  # fmt: skip
        return on_channel(lambda ch: queue.bind(ch).declare())

    assert refused(bind_reply_queue("backchannel.*"))  # no RPC requests to read
    assert not refused(bind_reply_queue(str(uuid.uuid4())))  # its replies: allowed
