"""The correlation id of the request being served, carried across services.

Set by the RPC and event entrypoints from the incoming message, stored with every domain event
the request records (see ``eventstore.CorrelatingMapper``), put on every integration event the
relay publishes, and printed in every log line.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar

CONTEXT_KEY = "correlation_id"

current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def new_id() -> str:
    return uuid.uuid4().hex
