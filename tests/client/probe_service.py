"""A probe service for the client's tests: it says which correlation id reached it, and can be
slow on demand. It uses the services' own ``CorrelationContext``."""

from __future__ import annotations

import eventlet
from nameko.rpc import rpc

from shared.runtime.dependencies import CorrelationContext


class ProbeService:
    name = "probe"

    correlation_id: str = CorrelationContext()  # type: ignore[assignment]

    @rpc
    def correlation(self) -> str:
        return self.correlation_id

    @rpc
    def slow(self, seconds: float) -> str:
        eventlet.sleep(seconds)
        return "done"
