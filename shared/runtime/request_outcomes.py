"""Idempotency of state-changing RPC methods: a request delivered again does not act twice.

nameko acknowledges a request after its worker: a process killed mid-request gets the request
again after its restart (RabbitMQ redelivers it), and a reply lost to a broker outage leaves the
request unacknowledged too. The request's AMQP correlation id is stable across redeliveries
(:mod:`.rpc_entrypoint` hands it to the worker). A method keys a :class:`RequestOutcome` on it
(uuid5 of service, action and id) and saves it **in the same ``save()`` as its effect**; a
redelivery that finds it answers the recorded outcome without acting again.

The recorded answer holds no secret: a method whose answer carries one (a session token)
records what it needs to answer again without it (login: the account id, so a fresh session is
issued without checking the password again).

>>> answer = app.recorded_outcome(request, "login")        # doctest: +SKIP
>>> app.save(effect, app.outcome_marker(request, "login", {"outcome": "frozen"}))   # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event
from nameko.extensions import DependencyProvider

from .rpc_entrypoint import Request, request_of

OUTCOME_NAMESPACE = uuid.UUID("6f1d2c3b-8a47-4e59-9b0a-2c4d6e8f1a3b")


def outcome_id(service: str, action: str, request: Request | None) -> uuid.UUID | None:
    """The marker's id for this request (None: the caller gave no correlation id)."""
    if request is None or not request.id:
        return None
    return RequestOutcome.create_id(service, action, request.id)


class RequestOutcome(Aggregate):
    """What one request answered (no secret in ``answer``), saved with the request's effect."""

    @staticmethod
    def create_id(service: str, action: str, request_id: str) -> uuid.UUID:
        return uuid.uuid5(OUTCOME_NAMESPACE, f"{service}:{action}:{request_id}")

    @event("Recorded")
    def __init__(self, service: str, action: str, request_id: str, answer: dict[str, Any]):
        self.action = action
        self.answer = answer


class RequestContext(DependencyProvider):  # type: ignore[misc]
    """The RPC request the worker serves (:class:`Request`; id None outside RPC).

    >>> request: Request = RequestContext()   # in a service class   # doctest: +SKIP
    """

    def get_dependency(self, worker_ctx: Any) -> Request:
        return request_of(worker_ctx)
