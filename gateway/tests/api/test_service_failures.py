"""A service's failure is the service's (docs/http-api.md, "Errors"): unreachable or too slow is
503 with Retry-After, a fault in the service or a call the broker refuses to the gateway's user is
500; all in the error shape, with nothing of the fault's text. The failing services are stand-ins
for a broken identity and lockout; the broker and its users are real."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import eventlet
import pytest
from api_harness import Api, gateway_settings
from nameko.rpc import rpc

from connexion_client import ConnexionClient
from gateway.app import create_app
from shared.testing.broker_users import BrokerUsers
from shared.testing.infrastructure import Vhost

INTERNAL = {
    "code": "internal_error",
    "message": "Une erreur interne est survenue. Veuillez réessayer plus tard.",
    "fields": {},
}


class BrokenIdentity:
    """Answers ``check_password`` with a bug, or too late."""

    name = "identity"

    @rpc
    def check_password(self, password: str) -> Any:
        if password == "Lentement2024":
            eventlet.sleep(3)
            return {"valid": True, "rules": []}
        raise RuntimeError("secret detail of a bug")


def api_on(tmp_path: Path, amqp_uri: str, caller: str = "portal", timeout: float = 1.0) -> Api:
    client = ConnexionClient(amqp_uri, caller=caller, timeout=timeout)
    return Api(create_app(gateway_settings(tmp_path, amqp_uri), client=client))


@pytest.fixture
def broken(services: Any, service_config: dict[str, Any], tmp_path: Path) -> Api:
    services.start(BrokenIdentity)
    return api_on(tmp_path, service_config["AMQP_URI"])


def test_a_fault_in_a_service_is_500_without_its_text(broken: Api) -> None:
    answer = broken.call("POST", "/passwords/check", {"password": "Bonjour2024Caf"})

    assert answer.status_code == 500
    assert answer.json == INTERNAL
    assert "Retry-After" not in answer.headers


def test_a_service_too_slow_is_503_to_try_again_later(broken: Api) -> None:
    answer = broken.call("POST", "/passwords/check", {"password": "Lentement2024"})

    assert answer.status_code == 503
    assert answer.json["code"] == "service_unavailable"
    assert int(answer.headers["Retry-After"]) > 0


@pytest.fixture
def broker_users(amqp_vhost: Vhost) -> Iterator[BrokerUsers]:
    users = BrokerUsers(amqp_vhost)
    users.create()
    yield users
    users.delete()


def test_a_call_the_broker_refuses_to_the_gateways_user_is_500(
    broker_users: BrokerUsers, tmp_path: Path
) -> None:
    """A gateway whose caller name is not its user's (a configuration error): the broker refuses
    its reply queue before any service is reached."""
    misnamed = api_on(tmp_path, broker_users.uri("portal"), caller="mobile", timeout=5.0)

    answer = misnamed.call("POST", "/captchas")

    assert answer.status_code == 500
    assert answer.json == INTERNAL
