"""Test helpers shared by every service's tests (the fixtures live in ``plugin.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

STORE_KINDS = ("embedded", "postgres")

#: Runs a test once on the embedded store and once on PostgreSQL.
both_stores = pytest.mark.parametrize("store_kind", STORE_KINDS)


def wait_for(predicate: Callable[[], T], timeout: float = 15.0, interval: float = 0.02) -> T:
    """Polls ``predicate`` until it returns something truthy (synchronisation, not timing)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {predicate}")
        time.sleep(interval)


def application_of(container: Any) -> Any:
    """The service application built by the container's ApplicationDependency."""
    from shared.runtime.dependencies import ApplicationDependency

    for dependency in container.dependencies:
        if isinstance(dependency, ApplicationDependency):
            return dependency.application
    raise LookupError("this service has no ApplicationDependency")


def relay_of(container: Any) -> Any:
    from shared.runtime.dependencies import ApplicationDependency

    for dependency in container.dependencies:
        if isinstance(dependency, ApplicationDependency):
            return dependency.relay
    raise LookupError("this service has no ApplicationDependency")
