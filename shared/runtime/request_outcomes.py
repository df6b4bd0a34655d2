"""Idempotency of state-changing RPC methods: a request delivered again does not act twice.

nameko acknowledges a request after its worker: a process killed mid-request gets the request
again after its restart (RabbitMQ redelivers it, flagged ``redelivered``), and a reply lost to a
broker outage leaves the request unacknowledged too. The request's AMQP correlation id is stable
across redeliveries (:mod:`.rpc_entrypoint` hands it to the worker).

- While an RPC worker runs, its request is in scope (:func:`request_scope`, entered by the
  application dependency). The **first** ``save()`` of the request that records something also
  writes the request's **marker**: one row of the store's ``request_markers`` table, keyed by
  uuid5(service, method, request id), written by the recorder in the same transaction as the
  events (the same statement on PostgreSQL), so "acted" and "marked" cannot part. The marker
  is not an event: the log grows by the request's own events only.
- A redelivered request whose marker exists does not run again: the entrypoint answers the
  recorded answer, or ``InvalidInput`` ``request_already_processed`` when none was recorded.
  Its first delivery acted; its caller, who waited for that answer, has timed out.
- A method whose redelivery must answer for real is declared ``@rpc(replays=True)`` (login):
  it runs again and answers from its marker (:meth:`ServiceApplication.recorded_outcome`); its
  saves add no second marker. ``@rpc(keyed=True)`` (lockout's reservations, which identity waits
  for) is idempotent by itself, its effect keyed by the request: it runs again and has no
  marker.
- Only what a method hands to :func:`answer_for_redelivery` is recorded, before its save, and
  never a secret: login records its outcome and the account id, and a redelivered successful
  login gets a **fresh** session without a second password check.
- Markers are kept ``RETENTION_REQUEST_MARKERS_DAYS`` (a row of the retention table, far
  longer than any redelivery takes), then the retention job deletes them.
- **Markers written before** (until issue #28 each was a ``RequestOutcome`` aggregate, one
  event in the log) are still honoured: a look-up that finds no row reads that aggregate.

Decision: "at most once" from the first save on. A method that saves twice and dies between the
two keeps its first effect only; every state-changing method of the platform saves once, except
where the second save only repeats (retries of an optimistic-concurrency conflict).
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from eventsourcing.domain import Aggregate, event

from .rpc import InvalidInput

OUTCOME_NAMESPACE = uuid.UUID("6f1d2c3b-8a47-4e59-9b0a-2c4d6e8f1a3b")

#: the table beside the events (created by the store's recorder)
MARKERS_TABLE = "request_markers"
#: the keyword argument of ``save()`` and ``insert_events()`` carrying a :class:`MarkerRow`
MARKER_KWARG = "request_marker"


@dataclass(frozen=True)
class Request:
    """The RPC request a worker serves: ``id`` is stable across redeliveries."""

    id: str | None
    redelivered: bool

    def key(self, namespace: uuid.UUID, action: str) -> uuid.UUID | None:
        """A uuid5 of this request and ``action`` (``None`` without a request id)."""
        return uuid.uuid5(namespace, f"{action}:{self.id}") if self.id else None


def marker_id(service: str, action: str, request_id: str) -> uuid.UUID:
    return uuid.uuid5(OUTCOME_NAMESPACE, f"{service}:{action}:{request_id}")


@dataclass(frozen=True)
class Marker:
    """A request that acted: ``answer`` (no secret) if its method recorded one."""

    action: str
    answer: dict[str, Any] | None


@dataclass(frozen=True)
class MarkerRow:
    """The marker a save writes with its events (see the recorders)."""

    marker_id: uuid.UUID
    action: str
    answer_json: str | None
    recorded_at: datetime

    @property
    def recorded_at_text(self) -> str:
        """UTC, fixed width: the retention job compares these as text on both databases."""
        return stamp(self.recorded_at)


def stamp(moment: datetime) -> str:
    """``2026-12-06T18:24:35.000000Z``: sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RequestOutcome(Aggregate):
    """A marker as written before issue #28: an aggregate of one event. Never written now;
    read back so that requests marked that way are still answered (its topic is pinned)."""

    @staticmethod
    def create_id(service: str, action: str, request_id: str) -> uuid.UUID:
        return marker_id(service, action, request_id)

    @event("Recorded")
    def __init__(
        self, service: str, action: str, request_id: str, answer: dict[str, Any] | None
    ) -> None:
        self.action = action
        self.answer = answer


@runtime_checkable
class AnswersRedeliveries(Protocol):
    """What the RPC entrypoint asks, among the container's dependencies, to answer a
    redelivered request (the application dependency is one)."""

    def recorded_outcome(self, request: Request | None, action: str) -> Marker | None: ...


def already_processed() -> InvalidInput:
    """The answer to a request delivered again whose first delivery acted and left no answer."""
    return InvalidInput(
        code="request_already_processed", message="Cette demande a déjà été traitée."
    )


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
        return marker_id(self.service, self.action, self.request.id)


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
