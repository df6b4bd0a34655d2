"""A RabbitMQ restart with RPC requests in flight: the services ride it out.

The broker is a node of this test (``PrivateBroker``), never the machine's shared one.
"""

from __future__ import annotations

import eventlet
import pytest
from lockout.service import LockoutService
from nameko.standalone.rpc import ClusterRpcProxy

from shared.runtime.rpc_entrypoint import rpc
from shared.testing import wait_for
from shared.testing.private_broker import PrivateBroker, available

pytestmark = pytest.mark.skipif(not available(), reason="rabbitmq-server is not installed")

RELEASE = eventlet.event.Event()
HELD: list[int] = []


class HoldingService:
    """Holds its workers until the test releases them: requests in flight, by design."""

    name = "holding"

    @rpc
    def hold(self, n: int) -> int:
        HELD.append(n)
        RELEASE.wait()
        return n

    @rpc
    def ping(self) -> str:
        return "pong"


@pytest.fixture
def broker(tmp_path_factory):
    node = PrivateBroker(tmp_path_factory.mktemp("rabbitmq"))
    node.start()
    yield node
    node.stop()


def answers(config: dict, service: str, method: str) -> bool:
    try:
        with ClusterRpcProxy(config, timeout=5) as proxy:
            getattr(getattr(proxy, service), method)()
        return True
    except Exception:
        return False


def test_a_broker_restart_with_requests_in_flight_kills_no_service(
    broker, services, service_config
):
    config = {**service_config, "AMQP_URI": broker.uri}
    holding = services.start(HoldingService, AMQP_URI=broker.uri)
    lockout = services.start(LockoutService, AMQP_URI=broker.uri, DATABASE_POOL_SIZE="2")
    caller = ClusterRpcProxy(config, timeout=60).start()
    for n in range(3):
        caller.holding.hold.call_async(n)
    wait_for(lambda: len(HELD) == 3)

    broker.stop()
    RELEASE.send(True)  # the workers finish while the broker is away: their replies are lost
    eventlet.sleep(8)  # past nameko's publish retries
    broker.start()

    wait_for(lambda: answers(config, "holding", "ping"), timeout=60, interval=0.5)
    wait_for(lambda: answers(config, "lockout", "new_captcha"), timeout=60, interval=0.5)
    assert not holding._died.ready() and not lockout._died.ready()
    # The requests whose replies were lost were never acknowledged: they come again.
    wait_for(lambda: len(HELD) >= 6, timeout=30)
