"""Opening the services' stores the way the services do (same settings, same variables); the
services are those of :mod:`shared.service_registry`.

The audit tool builds each service's own application class on its store, without a relay and
without the broker: it reads, and only ``erase`` writes (destroys keys).

>>> app = open_store("lockout")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from shared import service_registry
from shared.runtime.audit_trail import TrailEntry
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.settings import ServiceSettings

#: every registered service's store, in the registry's order
STORES: list[str] = service_registry.names()


def _load(path: str) -> Any:
    return service_registry.load(path)  # `python -m audit` from the root, without PYTHONPATH


def open_store(
    name: str, config: Mapping[str, Any] | None = None, clock: Any = None
) -> ServiceApplication:
    """The service ``name``'s application on its store, configured from ``config`` (the
    environment by default: ``ServiceSettings.from_env(name)``)."""
    service = service_registry.get(name)
    settings_class: type[ServiceSettings] = _load(service.settings_class)
    # The tool reads one thing at a time: one connection per store, whatever the services use.
    mapping = {**(os.environ if config is None else config), "DATABASE_POOL_SIZE": "1"}
    mapping.pop(f"{name.upper()}_DATABASE_POOL_SIZE", None)
    # Only the store's keys: never the session-signing key nor a provider's or channel's secret.
    settings = settings_class.for_tool(mapping, name)
    application_class = _load(service.application_class)
    return application_class(settings, clock=clock)


class TrailUnavailable(RuntimeError):
    """A store's audit trail cannot be written: the command must not read that store."""


class Stores:
    """The stores of every registered service, opened once each on first use. With a
    ``trail`` entry, each store records it in its audit trail before anything is read there
    (shared/runtime/audit_trail.py)."""

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        trail: TrailEntry | None = None,
        clock: Any = None,
    ):
        self.config = config
        self.trail = trail
        self.clock = clock  # the services' Clock; None: the real one
        self._open: dict[str, ServiceApplication] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._open:
            app = open_store(name, self.config, self.clock)
            if self.trail is not None:
                try:
                    app.audit_trail.record(self.trail)
                except Exception as error:
                    app.close()
                    raise TrailUnavailable(
                        f"the audit trail of {name} cannot be written ({type(error).__name__}):"
                        " nothing was read there"
                    ) from error
            self._open[name] = app
        return self._open[name]

    def close(self) -> None:
        for app in self._open.values():
            app.close()
        self._open.clear()
