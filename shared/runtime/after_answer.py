"""Work that must happen, but after the caller has its answer: a nameko dependency.

nameko sends an RPC's reply (the entrypoint's ``handle_result``) before it tears the worker down,
so what is queued here runs in the same worker right after the reply has left, before the worker
is released. For writes whose cost must not show in the response time (identity records a
failed login on a known account after answering, so that an unknown identifier, which writes
nothing, answers in the same time). A write lost to a crash in between is logged nowhere else:
use it only where that is acceptable, and say so.

    after_answer = AfterAnswer()            # in the service class
    self.app.login(..., later=self.after_answer)
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)


class Later:
    """The queue of one worker: ``later(write)``."""

    def __init__(self) -> None:
        self.queued: list[Callable[[], Any]] = []

    def __call__(self, work: Callable[[], Any]) -> None:
        # Run later in the context of now: the worker's request scope (request_outcomes) may be
        # left before this runs, and the deferred save must still carry the request's marker.
        self.queued.append(functools.partial(contextvars.copy_context().run, work))

    def run(self) -> None:
        for work in self.queued:
            try:
                work()
            except Exception:  # the caller has its answer: nobody else to tell
                log.exception("work after the answer failed")
        self.queued.clear()


class AfterAnswer(DependencyProvider):  # type: ignore[misc]
    def __init__(self) -> None:
        self.pending: dict[Any, Later] = {}

    def get_dependency(self, worker_ctx: Any) -> Later:
        later = Later()
        self.pending[worker_ctx] = later
        return later

    def worker_teardown(self, worker_ctx: Any) -> None:
        later = self.pending.pop(worker_ctx, None)
        if later is not None:
            later.run()


def now(work: Callable[[], Any]) -> None:
    """The default outside a worker (unit tests, scripts): at once."""
    work()
