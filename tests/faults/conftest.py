"""Fixtures of the fault scenarios (issue #31): the fault proxy, the channels' receivers, and the
platform whose every link goes through the proxy. Scenarios run with ``make test-faults``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faults_platform import FaultPlatform

from shared.testing.fault_proxy import FaultProxies
from shared.testing.receivers import SmsReceiver, SmtpReceiver


@pytest.fixture
def mailbox() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def sms() -> Iterator[SmsReceiver]:
    receiver = SmsReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def proxies() -> Iterator[FaultProxies]:
    with FaultProxies() as running:
        yield running


@pytest.fixture
def platform(
    mailbox: SmtpReceiver,
    sms: SmsReceiver,
    proxies: FaultProxies,
    services: Any,
    service_config: dict[str, Any],
    tmp_path: Path,
) -> Iterator[FaultPlatform]:
    """Not started. The receivers and the proxy come first so they stop after the services."""
    running = FaultPlatform(
        services, service_config, proxies, mailbox, sms, str(tmp_path / "spool")
    )
    yield running
    proxies.heal_all()  # the services stop cleanly
    running.close()
