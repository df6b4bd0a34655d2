"""The fast page layer: the portal's pages rendered by the real application through Flask's test
client, the services scripted (fake_services.py). No broker, no browser: French texts, errors
next to their fields, links and redirects, in milliseconds. The browser layer
(gateway/tests/browser/) runs the same journeys against the real services."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import pytest
from fake_services import FakeServices, Visitor

from gateway.app import create_app
from gateway.settings import GatewaySettings


@pytest.fixture
def fake_services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def visitor(fake_services: FakeServices, tmp_path: Path) -> Visitor:
    settings = GatewaySettings.from_mapping(
        {
            "ENVIRONMENT": "test",
            "AMQP_URI": "amqp://unused/",
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        },
        "gateway",
    )
    app: Any = create_app(settings, client=fake_services)
    return Visitor(app)
