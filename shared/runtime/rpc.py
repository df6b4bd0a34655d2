"""The RPC edge: one documented error type, validation with French field messages, timeouts.

Gateways receive :class:`InvalidInput` for any invalid payload (nothing is stored then). Its
single argument is a JSON-compatible dict, so non-Python callers read it from nameko's error
``value`` and Python callers get the exception back (registered with nameko's registry)::

    {"code": "invalid_input", "message": "Certains champs sont invalides.",
     "fields": {"birth_date": ["Date invalide (JJ/MM/AAAA)."]}}

nameko serialises the detail's leaves as strings: field messages are lists of strings.

>>> form = load_or_reject(RegistrationForm(), payload)   # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from typing import Any

import eventlet
from kombu import Exchange, Queue
from marshmallow import Schema, ValidationError
from nameko.exceptions import deserialize_to_instance
from nameko.rpc import (
    RPC_REPLY_QUEUE_TEMPLATE,
    RPC_REPLY_QUEUE_TTL,
    ReplyListener,
    RpcProxy,
    ServiceProxy,
    get_rpc_exchange,
)
from nameko.standalone.rpc import ClusterRpcProxy, SingleThreadedReplyListener

from . import french_messages

french_messages.apply()

DEFAULT_MESSAGE = "Certains champs sont invalides."


@deserialize_to_instance
class InvalidInput(Exception):
    """Invalid input: ``code`` (stable), ``message`` (French), ``fields`` (field -> messages)."""

    def __init__(self, detail: dict[str, Any] | None = None, **kwargs: Any):
        detail = dict(detail or {}, **kwargs)
        detail.setdefault("code", "invalid_input")
        detail.setdefault("message", DEFAULT_MESSAGE)
        detail.setdefault("fields", {})
        super().__init__(detail)
        self.detail = detail

    @property
    def code(self) -> str:
        return str(self.detail["code"])

    @property
    def fields(self) -> dict[str, Any]:
        return dict(self.detail["fields"])

    def __str__(self) -> str:
        return f"{self.code}: {self.detail['message']} {sorted(self.fields)}"

    @classmethod
    def for_field(cls, field: str, message: str, code: str = "invalid_input") -> InvalidInput:
        return cls(code=code, fields={field: [message]})


def load_or_reject(schema: Schema, data: Any, code: str = "invalid_input") -> Any:
    """Loads ``data`` with ``schema`` or raises :class:`InvalidInput` with per-field messages."""
    if not isinstance(data, dict) and not schema.many:
        raise InvalidInput(code=code, fields={"_schema": ["Objet attendu."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(
            code=code, fields=french_messages.frenchify(exc.normalized_messages())
        ) from None


class RpcTimeout(Exception):
    """Another service did not answer within ``RPC_TIMEOUT_S``."""


class _TimedMethod:
    def __init__(self, service_proxy: Any, method: str, timeout: float):
        self._method = getattr(service_proxy, method)
        self._name = method
        self._timeout = timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply = self._method.call_async(*args, **kwargs)
        try:
            with eventlet.Timeout(self._timeout):
                return reply.result()
        except eventlet.Timeout:
            raise RpcTimeout(f"{self._name} did not answer in {self._timeout}s") from None


class _TimedService:
    def __init__(self, service_proxy: Any, timeout: float):
        self._proxy = service_proxy
        self._timeout = timeout

    def __getattr__(self, method: str) -> _TimedMethod:
        return _TimedMethod(self._proxy, method, self._timeout)


def passive_rpc_exchange(config: dict[str, Any]) -> Exchange:
    """``nameko-rpc``, declared passively: a caller needs no *configure* permission on it (which
    would also let it delete the exchange). The broker's topology creates it (docs/security.md)."""
    exchange = get_rpc_exchange(config)
    exchange.passive = True
    return exchange


class _PassiveReplyQueue:
    """nameko's reply queue (``rpc.reply-<caller>-<uuid>``, bound by that uuid), with the RPC
    exchange declared passively, for :class:`CallerRpcProxy`'s reply listener."""

    container: Any
    queue_consumer: Any

    def setup(self) -> None:
        reply_uuid = uuid.uuid4()
        self.routing_key = str(reply_uuid)
        self.queue = Queue(
            RPC_REPLY_QUEUE_TEMPLATE.format(self.container.service_name, reply_uuid),
            exchange=passive_rpc_exchange(self.container.config),
            routing_key=self.routing_key,
            queue_arguments={"x-expires": RPC_REPLY_QUEUE_TTL},
        )
        self.queue_consumer.register_provider(self)


class PassiveStandaloneReplyListener(_PassiveReplyQueue, SingleThreadedReplyListener):
    """The reply listener of :class:`CallerRpcProxy`."""


class CallerRpcProxy(ClusterRpcProxy):
    """nameko's ``ClusterRpcProxy`` for a gateway, as the broker's permissions expect: its reply
    queue is named after the caller (``rpc.reply-portal-<uuid>``: the only queues its RabbitMQ
    user may configure and read) and ``nameko-rpc`` is declared passively.

    >>> with CallerRpcProxy("portal", {"AMQP_URI": uri}) as rpc:   # doctest: +SKIP
    ...     rpc.identity.check_password("Bonjour2024Caf")
    """

    def __init__(self, caller: str, config: dict[str, Any], **kwargs: Any):
        kwargs.setdefault("reply_listener_cls", PassiveStandaloneReplyListener)
        super().__init__(config, **kwargs)
        self._reply_listener.container.service_name = caller


class TimedRpcProxy(RpcProxy):
    """Like nameko's ``RpcProxy``, but every call gives up after ``RPC_TIMEOUT_S`` seconds, and
    its request expires in the broker then (per-message TTL): never run after its caller left.

    Inside a service ``nameko-rpc`` is declared actively, as the service's own RPC consumer
    declares it (services keep *configure* on it, docs/security.md): a passive declaration here
    raced the consumer's in a new vhost (nameko declares a container's queues in no set order)
    and, when it came first, left the container retrying a missing exchange forever.

    >>> lockout = TimedRpcProxy("lockout")   # in a service class   # doctest: +SKIP
    """

    def __init__(self, target_service: str, timeout: float | None = None, **options: Any):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx: Any) -> _TimedService:
        timeout = self.timeout or float(self.container.config.get("RPC_TIMEOUT_S", 10))
        # The request expires in its queue when its caller gives up: one the target could not
        # take in time (down, cut from the broker) is never run later for nobody. Run late, a
        # lockout reservation would count against a person who was only shown an error.
        options = {**self.options, "expiration": timeout}
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **options)
        return _TimedService(proxy, timeout)


class PassiveReplyListener(_PassiveReplyQueue, ReplyListener):
    """The reply listener of :class:`ConsumerRpcProxy` (one per container, as nameko's)."""


class ConsumerRpcProxy(TimedRpcProxy):
    """:class:`TimedRpcProxy` for a nameko process that serves no RPC of its own (the
    back-channel logout sender): ``nameko-rpc`` is declared passively, as a gateway does, since no
    consumer of its own declares it and its broker user has no *configure* on it (which would
    let it delete the exchange). Until the broker's topology has created it, the container
    retries. ``identity = ConsumerRpcProxy("identity")``."""

    rpc_reply_listener = PassiveReplyListener()
