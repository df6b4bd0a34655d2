"""The platform's RPC entrypoint: nameko's ``@rpc``, with what a service needs from a request.

- **Arity**: missing or unknown arguments answer :class:`InvalidInput` naming them in
  ``fields`` (nameko's own answer, ``IncorrectSignature``, is not in our contract).
- **Which request**: the request's AMQP correlation id and RabbitMQ's ``redelivered`` flag go
  into the worker's context (:func:`request_of`): a state-changing method keys its idempotency
  marker on that id, so a request delivered again after a crash does not act twice.
- **Broker loss**: a reply that cannot be published because the broker went away (restart,
  failover) is logged and dropped; the worker does not die, so neither does the container. The
  caller's timeout answers for the lost reply; the unacknowledged request is delivered again
  once the broker is back, and the marker answers it without acting.
- **Refusals are not faults**: :class:`InvalidInput` is an expected exception; nameko's worker
  log line for it becomes one INFO line without a traceback (:mod:`.refusal_logging`).

Use it instead of ``nameko.rpc.rpc``::

    from shared.runtime.rpc_entrypoint import rpc

    class LockoutService:
        @rpc
        def reserve_attempt(self, identifier_key: str) -> dict: ...
"""

from __future__ import annotations

import inspect
import logging
import sys
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from amqp.exceptions import RecoverableConnectionError
from kombu.exceptions import OperationalError
from nameko import rpc as nameko_rpc

from . import french_messages
from .refusal_logging import quiet_expected_refusals
from .request_outcomes import AnswersRedeliveries, Request, already_processed
from .rpc import InvalidInput

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "rpc_request_id"
REDELIVERED_KEY = "rpc_redelivered"

#: what publishing a reply raises while the broker is away
BROKER_LOST = (OperationalError, AmqpConnectionError, RecoverableConnectionError, OSError)

TOO_MANY = "Trop d'arguments : {} au plus."


__all__ = ["Request", "Rpc", "request_of", "rpc"]


def request_of(worker_ctx: Any) -> Request:
    data = worker_ctx.data
    return Request(id=data.get(REQUEST_ID_KEY) or None, redelivered=bool(data.get(REDELIVERED_KEY)))


class Rpc(nameko_rpc.Rpc):
    """nameko's RPC entrypoint with request identity, arity errors and broker-loss survival."""

    def __init__(
        self,
        expected_exceptions: tuple[type[BaseException], ...] = (),
        replays: bool = False,
        keyed: bool = False,
        **kwargs: Any,
    ):
        super().__init__(expected_exceptions=(InvalidInput, *expected_exceptions), **kwargs)
        #: run again when redelivered (the method answers from what its first delivery left)
        self.replays = replays or keyed
        #: idempotent by itself, keyed by the request (lockout's reservations): no marker
        self.keyed = keyed

    def handle_message(self, body: Any, message: Any) -> None:
        """A redelivered request that already acted is answered without running again
        (request_outcomes.py), unless the method ``replays``."""
        if not self.replays and message.delivery_info.get("redelivered"):
            answered = self._answer_of_first_delivery(message)
            if answered is not None:
                self.rpc_consumer.handle_result(message, *answered)
                return
        super().handle_message(body, message)

    def _answer_of_first_delivery(self, message: Any) -> tuple[Any, Any] | None:
        request_id = message.properties.get("correlation_id")
        # the dependency that knows the markers (the application dependency): looked up by
        # what it does, so this module imports neither it nor the event store
        markers = next(
            (d for d in self.container.dependencies if isinstance(d, AnswersRedeliveries)),
            None,
        )
        if markers is None or not request_id:
            return None
        marker = markers.recorded_outcome(Request(str(request_id), True), self.method_name)
        if marker is None:
            return None
        log.info(
            "%s.%s: request delivered again, answered without acting twice",
            self.container.service_name,
            self.method_name,
        )
        if marker.answer is not None:
            return marker.answer, None
        try:
            raise already_processed()
        except InvalidInput:
            return None, sys.exc_info()

    def setup(self) -> None:
        super().setup()
        quiet_expected_refusals()
        # read once: inspect.signature took 70 to 115 µs of every call (py-spy, issue #28)
        self.signature = inspect.signature(getattr(self.container.service_cls, self.method_name))

    def check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        signature = getattr(self, "signature", None) or inspect.signature(
            getattr(self.container.service_cls, self.method_name)
        )
        fields = arity_errors(signature, (None, *args), kwargs)
        if fields:
            raise InvalidInput(fields=fields)

    def unpack_message_headers(self, message: Any) -> dict[str, Any]:
        # Set from the message itself, so a value propagated by a caller never stands for it.
        data = dict(super().unpack_message_headers(message))
        data.pop(REQUEST_ID_KEY, None)
        correlation_id = message.properties.get("correlation_id")
        if correlation_id:
            data[REQUEST_ID_KEY] = str(correlation_id)
        data[REDELIVERED_KEY] = bool(message.delivery_info.get("redelivered"))
        return data

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        try:
            return self.rpc_consumer.handle_result(message, result, exc_info)
        except BROKER_LOST as exc:
            log.warning(
                "%s.%s: reply lost, the broker is unavailable (%s); the caller times out and"
                " the request comes again when the broker is back",
                self.container.service_name,
                self.method_name,
                type(exc).__name__,
            )
            return result, exc_info


rpc = Rpc.decorator


def arity_errors(
    signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, list[str]]:
    """Field errors of a call that does not fit ``signature`` (``{}`` when it fits).

    >>> def login(self, identifier, password, captcha=None): ...
    >>> arity_errors(inspect.signature(login), (None, "1630631555082"), {"otp": "1"})
    {'password': ['Ce champ est obligatoire.'], 'otp': ['Champ inconnu.']}
    """
    params = list(signature.parameters.values())
    kinds = {p.kind for p in params}
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    errors: dict[str, list[str]] = {}
    if len(args) > len(positional) and inspect.Parameter.VAR_POSITIONAL not in kinds:
        errors["_schema"] = [TOO_MANY.format(len(positional) - 1)]
    given = {p.name for p in positional[: len(args)]} | set(kwargs)
    for param in params:
        required = param.default is inspect.Parameter.empty and param.kind not in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        )
        if required and param.name not in given:
            errors[param.name] = [french_messages.SCHEMA_MESSAGES["required"]]
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        names = {p.name for p in params if p.kind != inspect.Parameter.POSITIONAL_ONLY}
        for name in kwargs:
            if name not in names:
                errors[name] = [french_messages.SCHEMA_MESSAGES["unknown"]]
    for param in positional[: len(args)]:
        if param.name in kwargs:
            errors[param.name] = ["Donné deux fois."]
    return errors
