"""pytest fixtures of the journeys across the four real services (loaded by the root conftest):
the receivers of the channels (a real SMTP server, a real HTTP SMS gateway) and the platform on
the test's broker and PostgreSQL.

    def test_reset(started, mailbox):
        started.reset_password(JONAS)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .platform import Platform
from .receivers import Mailbox, SmsInbox


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
