"""Idempotency of state-changing RPC methods: a request delivered again does not act twice.

nameko acknowledges a request after its worker: a process killed mid-request gets the request
again after its restart (RabbitMQ redelivers it, flagged ``redelivered``), and a reply lost to a
broker outage leaves the request unacknowledged too. The request's AMQP correlation id is stable
across redeliveries (:mod:`.rpc_entrypoint` hands it to the worker).

- While an RPC worker runs, its request is in scope (:func:`request_scope`, entered by the
  application dependency). The **first** ``save()`` of the request that records something also
  records a :class:`RequestOutcome` keyed by uuid5(service, method, request id): in the same
  transaction as the effect, so "acted" and "marked" cannot part.
- A redelivered request whose marker exists does not run again: the entrypoint answers the
  recorded answer, or ``InvalidInput`` ``request_already_processed`` when none was recorded.
  Its first delivery acted; its caller, who waited for that answer, has timed out.
- A method whose redelivery must answer for real is declared ``@rpc(replays=True)`` (login):
  it runs again and answers from its marker (:meth:`ServiceApplication.recorded_outcome`); its
  saves add no second marker. ``@rpc(keyed=True)`` (lockout's reservations, which identity waits
  for) is idempotent by itself, its effect keyed by the request: it runs again and has no
  marker (none is needed, and the log does not grow for it).
- Only what a method hands to :func:`answer_for_redelivery` is recorded, before its save, and
  never a secret: login records its outcome and the account id, and a redelivered successful
  login gets a **fresh** session without a second password check.

Decision: "at most once" from the first save on. A method that saves twice and dies between the
two keeps its first effect only; every state-changing method of the platform saves once, except
where the second save only repeats (retries of an optimistic-concurrency conflict).
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate, event

from .rpc_entrypoint import Request

OUTCOME_NAMESPACE = uuid.UUID("6f1d2c3b-8a47-4e59-9b0a-2c4d6e8f1a3b")


class RequestOutcome(Aggregate):
    """One request's mark: it acted; ``answer`` (no secret) if its method recorded one."""

    @staticmethod
    def create_id(service: str, action: str, request_id: str) -> uuid.UUID:
        return uuid.uuid5(OUTCOME_NAMESPACE, f"{service}:{action}:{request_id}")

    @event("Recorded")
    def __init__(
        self, service: str, action: str, request_id: str, answer: dict[str, Any] | None
    ) -> None:
        self.action = action
        self.answer = answer


@dataclass
class RequestScope:
    """The RPC request a worker serves, and whether its marker is saved."""

    service: str
    action: str
    request: Request
    answer: dict[str, Any] | None = None
    marked: bool = False

    @property
    def outcome_id(self) -> uuid.UUID:
        assert self.request.id
        return RequestOutcome.create_id(self.service, self.action, self.request.id)

    def marker(self) -> RequestOutcome:
        assert self.request.id
        return RequestOutcome(
            service=self.service,
            action=self.action,
            request_id=self.request.id,
            answer=self.answer,
        )


_scope: ContextVar[RequestScope | None] = ContextVar("request_scope", default=None)


def request_scope() -> RequestScope | None:
    return _scope.get()


def enter(service: str, action: str, request: Request) -> None:
    _scope.set(RequestScope(service, action, request) if request.id else None)


def leave() -> None:
    _scope.set(None)


def answer_for_redelivery(answer: dict[str, Any]) -> None:
    """Records ``answer`` (no secret!) with the request's marker, at its next save."""
    scope = _scope.get()
    if scope is not None:
        scope.answer = answer


def records_something(objs: tuple[Any, ...]) -> bool:
    return any(obj is not None and getattr(obj, "pending_events", True) for obj in objs)
