"""The client's reply queue, as the broker's per-caller users expect (docs/security.md).

Each caller connects as its own RabbitMQ user (``portal``, ``back-office``…), which may create and
read only the queues named ``rpc.reply-<caller>-<uuid>`` and has no *configure* on ``nameko-rpc``.
nameko's standalone proxy names its reply queue ``rpc.reply-standalone_rpc_proxy-<uuid>`` and
declares ``nameko-rpc`` actively: the broker refuses both. This listener names the queue after the
caller and declares the exchange passively (it must exist: the broker's topology creates it).

>>> ClusterRpcProxy(config, reply_listener_cls=partial(CallerReplyListener, caller="portal"))
...                                                                   # doctest: +SKIP
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from kombu import Queue
from nameko.rpc import RPC_REPLY_QUEUE_TEMPLATE, RPC_REPLY_QUEUE_TTL, get_rpc_exchange
from nameko.standalone.rpc import SingleThreadedReplyListener

#: A caller's name goes into queue names and the broker's permission patterns.
CALLER_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")


def check_caller(caller: str) -> str:
    if not CALLER_NAME.fullmatch(caller):
        raise ValueError(
            f"caller {caller!r}: lower-case letters, digits and hyphens, as the broker user's name"
        )
    return caller


class CallerReplyListener(SingleThreadedReplyListener):  # type: ignore[misc]
    """nameko's standalone reply listener with the queue ``rpc.reply-<caller>-<uuid>``, bound by
    that uuid to ``nameko-rpc`` declared passively."""

    container: Any
    queue_consumer: Any

    def __init__(self, caller: str, timeout: float | None = None):
        super().__init__(timeout=timeout)  # nameko's bind() copies it with these arguments
        self.caller = check_caller(caller)

    def setup(self) -> None:
        reply_uuid = uuid.uuid4()
        exchange = get_rpc_exchange(self.container.config)
        exchange.passive = True  # no "configure" on nameko-rpc for a caller
        self.routing_key = str(reply_uuid)
        self.queue = Queue(
            RPC_REPLY_QUEUE_TEMPLATE.format(self.caller, reply_uuid),
            exchange=exchange,
            routing_key=self.routing_key,
            queue_arguments={"x-expires": RPC_REPLY_QUEUE_TTL},
        )
        self.queue_consumer.register_provider(self)
