"""Caf connect's back-channel logout (issue #34), against the real services (RabbitMQ,
PostgreSQL), a gateway replica and the sender process's service (gateway/oidc/backchannel.py).

Given a person logged in to two applications through one portal session, each registered with a
``backchannel_logout_uri`` (a small HTTP receiver of the test), when the portal session ends,
then each application receives exactly one logout token, signed with a key of the provider's
JWKS, naming its session, its audience and the back-channel event; an application that answers
500 gets a new token until it answers 2xx, and never one after."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from caf_connect_harness import ISSUER, ORIGIN, SERVER_RETURN, Request, registry, replica
from joserfc import jwt
from joserfc.jwk import KeySet
from test_caf_connect import form_token
from test_caf_connect_life import logged_in_tokens

from gateway.oidc.backchannel import EVENT, LOGOUTS, BackchannelLogoutSender
from gateway.oidc.keys import new_key_set
from shared.testing.journeys.people import JONAS
from shared.testing.journeys.platform import Platform
from shared.testing.receivers import FormReceiver

KEYS = json.dumps(new_key_set())


@pytest.fixture
def receivers() -> Iterator[dict[str, FormReceiver]]:
    running = {"appli-caf": FormReceiver(), "serveur-caf": FormReceiver("/bcl")}
    for receiver in running.values():
        receiver.start()
    yield running
    for receiver in running.values():
        receiver.stop()


@pytest.fixture
def gateway(
    platform: Platform,
    tmp_path: Path,
    service_config: dict[str, Any],
    receivers: dict[str, FormReceiver],
) -> Iterator[Any]:
    """One replica and the sender, sharing the registry and the key set (the deployment's)."""
    clients = json.loads(registry())
    for client_id, receiver in receivers.items():
        clients[client_id]["backchannel_logout_uri"] = receiver.url
    setting = json.dumps(clients)
    platform.register(JONAS)
    platform.services.start(
        BackchannelLogoutSender, API_CLIENTS=setting, OIDC_SIGNING_KEYS=KEYS, PUBLIC_URL=ISSUER
    )
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    app, client = replica(tmp_path, service_config["AMQP_URI"], key, API_CLIENTS=setting,
                          OIDC_SIGNING_KEYS=KEYS)  # fmt: skip
    yield app
    client.close()


def counted(outcome: str) -> float:
    return float(LOGOUTS.labels(outcome=outcome)._value.get())


def verified(app: Any, logout_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a logout token, its signature checked with the JWKS."""
    jwks = app.test_client().get("/oauth2/jwks", base_url=ORIGIN).json
    decoded = jwt.decode(logout_token, KeySet.import_key_set(jwks), algorithms=["ES256"])
    return dict(decoded.header), dict(decoded.claims)


def claims_of(app: Any, id_token: str) -> dict[str, Any]:
    return verified(app, id_token)[1]


def both_applications(app: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    browser = app.test_client()
    mobile = logged_in_tokens(app, Request(), browser, first=True)
    server = logged_in_tokens(app, Request(client_id="serveur-caf", redirect_uri=SERVER_RETURN),
                              browser)  # fmt: skip
    return browser, claims_of(app, mobile["id_token"]), claims_of(app, server["id_token"])


def log_out(browser: Any) -> None:
    ended = browser.post("/deconnexion", data={"csrf_token": form_token(browser, "/mon-compte")},
                         base_url=ORIGIN)  # fmt: skip
    assert ended.status_code == 302


def test_each_application_of_the_session_gets_one_signed_logout_token(
    gateway: Any, receivers: dict[str, FormReceiver]
) -> None:
    browser, mobile, server = both_applications(gateway)
    delivered = counted("delivered")

    log_out(browser)

    for client_id, id_token in (("appli-caf", mobile), ("serveur-caf", server)):
        receiver = receivers[client_id]
        (form,) = receiver.wait(1)
        assert receiver.requests[0]["headers"]["Content-Type"] == (
            "application/x-www-form-urlencoded"
        )
        header, claims = verified(gateway, form["logout_token"])
        assert header["typ"] == "logout+jwt" and header["alg"] == "ES256"
        assert header["kid"] == json.loads(KEYS)["current"]["kid"]
        assert claims["iss"] == ISSUER and claims["aud"] == client_id
        assert claims["sid"] == id_token["sid"] and claims["sub"] == id_token["sub"]
        assert claims["events"] == {EVENT: {}} and "nonce" not in claims
        assert claims["jti"] and 0 < claims["exp"] - claims["iat"] <= 120
    assert mobile["sid"] == server["sid"]  # one portal session, two applications
    time.sleep(1.5)  # more than every retry delay of the test's consumer
    assert [len(r.requests) for r in receivers.values()] == [1, 1]
    assert counted("delivered") == delivered + 2


def test_an_application_answering_500_gets_it_again_until_2xx_and_never_after(
    gateway: Any, receivers: dict[str, FormReceiver]
) -> None:
    receivers["appli-caf"].statuses = [500, 503]
    browser, mobile, _ = both_applications(gateway)
    failed = counted("failed")

    log_out(browser)

    forms = receivers["appli-caf"].wait(3)
    sessions = {verified(gateway, f["logout_token"])[1]["sid"] for f in forms}
    jtis = {verified(gateway, f["logout_token"])[1]["jti"] for f in forms}
    assert sessions == {mobile["sid"]} and len(jtis) == 3
    time.sleep(1.5)
    assert len(receivers["appli-caf"].requests) == 3
    assert len(receivers["serveur-caf"].requests) == 1
    assert counted("failed") == failed + 2
