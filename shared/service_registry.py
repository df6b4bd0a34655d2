"""The services of the system, listed once. Everything that names them all derives from here.

The Makefile (``SERVICES``, ``PYTHONPATH``), the runner (names and development ports), the
audit tool (its stores, the timeline's order), the configuration reference, the bench and the
Kubernetes manifest test read this list; pyproject.toml's ``mypy_path`` is checked against it
(shared/tests/test_service_registry.py). Adding a service: docs/building-a-service.md.

Standard library only: the Makefile asks it before the virtualenv exists.

    python -m shared.service_registry names        # identity lockout delegation notification
    python -m shared.service_registry pythonpath   # the folders the services import from

>>> [service.name for service in SERVICES][:2]
['identity', 'lockout']
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Service:
    """One service: its package ``services/<name>/<name>/`` and the classes the platform loads
    (``module:Class`` paths, imported only when used)."""

    name: str
    service_class: str
    application_class: str
    settings_class: str
    dev_http_port: int  # `make run`: health and metrics of this service on this port

    @property
    def source(self) -> Path:
        """The folder the package imports from (``import identity``)."""
        return ROOT / "services" / self.name


#: In causal order: at the same instant, an identity event comes before what it causes in
#: lockout, delegation and notification (the audit timeline sorts ties by this order).
SERVICES: tuple[Service, ...] = (
    Service(
        "identity",
        "identity.service:IdentityService",
        "identity.application:IdentityApplication",
        "identity.settings:IdentitySettings",
        8081,
    ),
    Service(
        "lockout",
        "lockout.service:LockoutService",
        "lockout.application:LockoutApplication",
        "lockout.settings:LockoutSettings",
        8082,
    ),
    Service(
        "delegation",
        "delegation.service:DelegationService",
        "delegation.application:DelegationApplication",
        "shared.runtime.settings:ServiceSettings",
        8084,
    ),
    Service(
        "notification",
        "notification.service:NotificationService",
        "notification.application:NotificationApplication",
        "notification.settings:NotificationSettings",
        8083,
    ),
)

BY_NAME = {service.name: service for service in SERVICES}


def names() -> list[str]:
    return [service.name for service in SERVICES]


def get(name: str) -> Service:
    try:
        return BY_NAME[name]
    except KeyError:
        raise LookupError(f"no service {name!r}: one of {', '.join(names())}") from None


def import_paths() -> list[str]:
    """The repository root and every service's folder, as PYTHONPATH lists them."""
    return [str(ROOT)] + [str(service.source) for service in SERVICES]


def make_importable() -> None:
    """Lets ``import identity`` work without PYTHONPATH (runner, audit tool, tests, bench)."""
    for folder in import_paths():
        if folder not in sys.path:
            sys.path.append(folder)


def load(path: str) -> Any:
    """The object at ``module:attribute``, the services made importable first."""
    make_importable()
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "names"
    if command == "names":
        print(" ".join(names()))
    elif command == "pythonpath":
        print(os.pathsep.join(import_paths()))
    else:
        sys.exit(f"usage: python -m shared.service_registry [names|pythonpath], not {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
