"""Fixtures of the journeys across the four real services: the platform and the channels'
receivers come from shared/testing/journeys/fixtures.py (``platform``, ``started``, ``mailbox``,
``sms``); here, what only these journeys read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.testing.event_tap import EventTap


@pytest.fixture
def lockout_events(service_config: dict[str, Any]) -> Iterator[EventTap]:
    """What lockout's relay publishes (AccountFrozen, AccountUnfrozen, …) from now on."""
    tap = EventTap(service_config["AMQP_URI"], "lockout")
    yield tap
    tap.close()
