"""Fixtures of the journeys across the four real services: the receivers of the channels (a
real SMTP server, a real HTTP SMS gateway) and the platform started on the test's broker and
PostgreSQL. Helpers live in ``journeys_*.py`` modules (a conftest is not importable by name when
every service's tests run together)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from journeys_platform import Platform
from journeys_receivers import Mailbox, SmsInbox

from shared.testing.event_tap import EventTap


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    receiver = Mailbox()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def sms() -> Iterator[SmsInbox]:
    receiver = SmsInbox()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def platform(mailbox: Mailbox, sms: SmsInbox, services: Any, rpc: Any, tmp_path: Path) -> Platform:
    """Not started: a test chooses its replicas (``platform.start(identity_replicas=2)``).

    The receivers come first so they stop last, after the services."""
    return Platform(services, rpc, mailbox, sms, str(tmp_path / "spool"))


@pytest.fixture
def started(platform: Platform) -> Platform:
    """One container of each service."""
    return platform.start()


@pytest.fixture
def lockout_events(service_config: dict[str, Any]) -> Iterator[EventTap]:
    """What lockout's relay publishes (AccountFrozen, AccountUnfrozen, …) from now on."""
    tap = EventTap(service_config["AMQP_URI"], "lockout")
    yield tap
    tap.close()
