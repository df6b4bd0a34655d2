"""Opening the four services' stores the way the services do (same settings, same variables).

The audit tool builds each service's own application class on its store, without a relay and
without the broker: it reads, and only ``erase`` writes (destroys keys).

>>> app = open_store("lockout")   # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.runtime.eventstore import ServiceApplication
from shared.runtime.settings import ServiceSettings

ROOT = Path(__file__).resolve().parent.parent

#: store -> (application class, settings class), as each service's ApplicationDependency has it
STORES: dict[str, tuple[str, str]] = {
    "identity": ("identity.application:IdentityApplication", "identity.settings:IdentitySettings"),
    "lockout": ("lockout.application:LockoutApplication", "lockout.settings:LockoutSettings"),
    "notification": (
        "notification.application:NotificationApplication",
        "notification.settings:NotificationSettings",
    ),
    "delegation": (
        "delegation.application:DelegationApplication",
        "shared.runtime.settings:ServiceSettings",
    ),
}


def _load(path: str) -> Any:
    for service in STORES:  # `python -m audit` from the repository root, without PYTHONPATH
        folder = str(ROOT / "services" / service)
        if folder not in sys.path:
            sys.path.append(folder)
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)


def open_store(
    name: str, config: Mapping[str, Any] | None = None, clock: Any = None
) -> ServiceApplication:
    """The service ``name``'s application on its store, configured from ``config`` (the
    environment by default: ``ServiceSettings.from_env(name)``)."""
    app_path, settings_path = STORES[name]
    settings_class: type[ServiceSettings] = _load(settings_path)
    # The tool reads one thing at a time: one connection per store, whatever the services use.
    mapping = {**(os.environ if config is None else config), "DATABASE_POOL_SIZE": "1"}
    mapping.pop(f"{name.upper()}_DATABASE_POOL_SIZE", None)
    settings = settings_class.from_mapping(mapping, name)
    application_class = _load(app_path)
    return application_class(settings, clock=clock)


class Stores:
    """The four stores, opened once each on first use."""

    def __init__(self, config: Mapping[str, Any] | None = None):
        self.config = config
        self._open: dict[str, ServiceApplication] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._open:
            self._open[name] = open_store(name, self.config)
        return self._open[name]

    def close(self) -> None:
        for app in self._open.values():
            app.close()
        self._open.clear()
