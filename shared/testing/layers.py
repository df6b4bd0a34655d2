"""The four layers of the suite, as markers every test gets at collection (``make test-unit``,
``test-interface``, ``test-integration``, ``test-browser``; ``make test`` runs them all).

- ``browser``: placed under a ``browser/`` folder (or marked ``browser``): a real browser;
- ``integration``: under ``tests/integration`` or ``tests/operations``: journeys and operations
  across real services, broker and database;
- ``interface``: any other test that uses the broker or PostgreSQL (``services``, ``rpc``,
  ``amqp_vhost``, ``pg_database`` and the fixtures built on them): nameko entrypoints, relays,
  consumers, stores on PostgreSQL;
- ``unit``: the rest: aggregates, applications on the embedded store, schemas, pure functions;
- ``faults``: under ``tests/faults``: partitions and SIGTERM under load, through the fault proxy
  (minutes, not seconds): run by ``make test-faults`` (``-m faults``), left out of every run
  whose ``-m`` does not name them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

LAYERS = ("unit", "interface", "integration", "browser", "faults")
INFRASTRUCTURE = frozenset({"amqp_vhost", "pg_database", "services", "rpc", "publish_event"})


def layer_of(item: pytest.Item) -> str:
    parts = Path(str(item.path)).resolve().relative_to(Path(str(item.config.rootpath))).parts
    if parts[:2] == ("tests", "faults"):
        return "faults"
    if "browser" in parts or item.get_closest_marker("browser"):
        return "browser"
    if parts[:2] in (("tests", "integration"), ("tests", "operations")):
        return "integration"
    if INFRASTRUCTURE & set(getattr(item, "fixturenames", ())):
        return "interface"
    return "unit"


def pytest_configure(config: pytest.Config) -> None:
    for layer in LAYERS:
        config.addinivalue_line("markers", f"{layer}: the {layer} layer (shared/testing/layers.py)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    faults_asked = "faults" in (config.option.markexpr or "")
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        layer = layer_of(item)
        item.add_marker(layer)
        (left_out if layer == "faults" and not faults_asked else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
