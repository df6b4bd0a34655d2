"""The standalone client (connexion_client) under the broker's per-caller users (docs/security.md):
as the ``portal`` user it calls the citizen methods, and a method the portal may not call is a
``CallRefused`` at once, not a hang nor a RemoteFault; the gateway builds its client as the user
its settings name. Real RabbitMQ, real services."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from identity.service import IdentityService
from lockout.service import LockoutService

from connexion_client import CallRefused, ConnexionClient
from gateway import rpc
from gateway.app import create_app
from gateway.settings import GatewaySettings
from shared.runtime.settings import SettingsError
from shared.testing.broker_users import BrokerUsers
from shared.testing.infrastructure import RABBIT_HOST, RABBIT_PORT

NIR = "1 63 06 31 555 082"
TIMEOUT_S = 20.0


@pytest.fixture
def portal(services: Any, broker_users: BrokerUsers) -> Iterator[ConnexionClient]:
    """Identity and lockout under their own users, and a client logged in as ``portal``."""
    for service in (IdentityService, LockoutService):
        services.start(service, AMQP_URI=broker_users.uri(service.name))
    client = ConnexionClient(broker_users.uri("portal"), caller="portal", timeout=TIMEOUT_S)
    yield client
    client.close()
    services.stop_all()  # before the users go


def test_as_the_portal_it_logs_in_asks_a_captcha_and_is_refused_the_back_office(
    portal: ConnexionClient,
) -> None:
    answer = portal.identity.login(
        identifier=NIR, password="Mauvais2024Caf", source={"ip": "203.0.113.7"}
    )
    assert answer["outcome"] == "invalid_credentials"
    assert portal.lockout.new_captcha()["captcha_id"]

    started = time.monotonic()
    with pytest.raises(CallRefused) as refused:
        portal.identity.update_contacts(NIR, {"email": "pirate@example.org"}, "anyone")
    assert time.monotonic() - started < TIMEOUT_S / 4  # the broker's answer, not a timeout
    assert "identity.update_contacts" in str(refused.value)

    assert portal.lockout.new_captcha()["captcha_id"]  # the refusal broke nothing


def test_a_caller_name_other_than_its_user_gets_no_reply_queue(broker_users: BrokerUsers) -> None:
    client = ConnexionClient(broker_users.uri("portal"), caller="back-office", timeout=TIMEOUT_S)

    with pytest.raises(CallRefused):  # rpc.reply-back-office-… is not the portal user's
        client.lockout.new_captcha()
    client.close()


def test_a_caller_name_must_be_a_broker_user_name() -> None:
    for wrong in ("", "Portal", "portal.*", "rpc reply"):
        with pytest.raises(ValueError):
            ConnexionClient("amqp://127.0.0.1:1//", caller=wrong)


def gateway_settings(tmp_path: Path, amqp_uri: str, **overrides: str) -> GatewaySettings:
    mapping = {
        "ENVIRONMENT": "test",
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        **overrides,
    }
    return GatewaySettings.from_mapping(mapping, "gateway")


def test_the_gateway_calls_as_the_broker_user_its_settings_name(
    portal: ConnexionClient, broker_users: BrokerUsers, tmp_path: Path
) -> None:
    as_portal = create_app(gateway_settings(tmp_path, broker_users.uri("portal")))
    misnamed = create_app(
        gateway_settings(tmp_path, broker_users.uri("portal"), GATEWAY_BROKER_CALLER="mobile")
    )

    with as_portal.test_request_context():
        assert rpc.client().caller == "portal"  # the default
        assert rpc.call("lockout", "new_captcha")["captcha_id"]
        rpc.client().close()
    with misnamed.test_request_context(), pytest.raises(CallRefused):
        rpc.call("lockout", "new_captcha")  # rpc.reply-mobile-… is not the portal user's
    with pytest.raises(SettingsError, match="BROKER_CALLER"):
        gateway_settings(tmp_path, broker_users.uri("portal"), BROKER_CALLER="portal.*")


def test_a_login_the_broker_refuses_is_call_refused_at_once() -> None:
    uri = f"amqp://nobody:wrong@{RABBIT_HOST}:{RABBIT_PORT}/"
    client = ConnexionClient(uri, timeout=TIMEOUT_S)

    started = time.monotonic()
    with pytest.raises(CallRefused, match="Login was refused"):
        client.lockout.new_captcha()
    assert time.monotonic() - started < TIMEOUT_S / 4
