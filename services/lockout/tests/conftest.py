"""Fixtures of the lockout tests: an application on the embedded store with a frozen clock,
and helpers to drive the service over real RPC."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lockout.application import LockoutApplication
from lockout.settings import LockoutSettings
from lockout_testing import CAPTCHA_ANSWER, Lockout

from shared.runtime.clock import FrozenClock
from shared.runtime.pseudonyms import Pseudonymizer
from shared.runtime.settings import parse_key
from shared.testing.event_tap import EventTap


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def app(
    tmp_path: Path, test_secrets: dict[str, Any], clock: FrozenClock
) -> Iterator[LockoutApplication]:
    """The lockout application alone, on an embedded store (no broker: no relay)."""
    mapping = {
        "ENVIRONMENT": "test",
        "DATA_DIR": str(tmp_path),
        "RELAY_ENABLED": "n",
        "SNAPSHOT_INTERVAL": "2",  # every test also reloads ladders and sources from snapshots
        **test_secrets,
    }
    settings = LockoutSettings.from_mapping(mapping, "lockout")
    application = LockoutApplication(settings, clock=clock)
    application.captcha_answers = lambda: CAPTCHA_ANSWER
    yield application
    application.close()


@pytest.fixture
def tap(service_config: dict[str, Any]) -> Iterator[EventTap]:
    events = EventTap(service_config["AMQP_URI"], "lockout")
    yield events
    events.close()


@pytest.fixture
def lockout(services: Any, clock: FrozenClock, test_secrets: dict[str, Any]) -> Lockout:
    return Lockout(services, clock, Pseudonymizer(parse_key(test_secrets["PSEUDONYM_KEY"])))
