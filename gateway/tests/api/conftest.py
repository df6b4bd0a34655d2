"""Fixtures of the HTTP API's tests: the gateway's application on the test's broker, the four
real services behind it (the journeys' platform, shared/testing/journeys/fixtures.py, started
with the audio captcha's voices), and API clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_harness import Api, gateway_settings
from lockout.captcha_voices import generate

from connexion_client import ConnexionClient
from gateway.app import create_app
from shared.testing.journeys.platform import Platform


@pytest.fixture(scope="session")
def captcha_voices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French digit voices of the audio captcha, made once with espeak-ng."""
    folder = tmp_path_factory.mktemp("captcha-voices")
    generate(folder)
    return folder


@pytest.fixture
def platform(platform: Platform, services: Any, captcha_voices: Path) -> Platform:
    """The four services on the test's broker and PostgreSQL, captchas answered ``K7PZQ``."""
    services.config["LOCKOUT_CAPTCHA_VOICE_DIR"] = str(captcha_voices)
    return platform.start()


@pytest.fixture
def rpc_client(service_config: dict[str, Any]) -> Iterator[ConnexionClient]:
    client = ConnexionClient(service_config["AMQP_URI"], timeout=20.0, pool_size=4)
    yield client
    client.close()


@pytest.fixture
def gateway_app(tmp_path: Path, service_config: dict[str, Any], rpc_client: ConnexionClient) -> Any:
    return create_app(gateway_settings(tmp_path, service_config["AMQP_URI"]), client=rpc_client)


@pytest.fixture
def api(gateway_app: Any) -> Api:
    return Api(gateway_app)
