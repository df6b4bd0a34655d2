"""SMS channel against a real local HTTP gateway (http.server in a thread)."""

from __future__ import annotations

import uuid

import pytest
from notification.channels import DeliveryFailure, SmsChannel, SmsGatewaySettings
from notification.contacts import Recipient
from notification.messages import Message

MESSAGE = Message(subject="", body="Mon Compte : votre code de vérification est 483920.\n")
TO = Recipient("sms", "06 12 34 56 78")


def channel(gateway) -> SmsChannel:
    return SmsChannel(
        SmsGatewaySettings(url=gateway.url, token="gw-token", sender="Caf92", timeout_s=5)
    )


def test_the_documented_request_reaches_the_gateway(sms_gateway) -> None:
    delivery_id = uuid.uuid4()
    channel(sms_gateway).send(delivery_id, TO, MESSAGE)
    [request] = sms_gateway.requests
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == "Bearer gw-token"
    assert request["headers"]["Idempotency-Key"] == str(delivery_id)
    assert request["json"] == {
        "reference": str(delivery_id),
        "to": "+33612345678",
        "sender": "Caf92",
        "text": "Mon Compte : votre code de vérification est 483920.",
    }


@pytest.mark.parametrize(
    ("kept", "dialled"),
    [
        pytest.param("0690123456", "+590690123456", id="Guadeloupe"),
        pytest.param("0696123456", "+596696123456", id="Martinique"),
        pytest.param("0694201234", "+594694201234", id="Guyane"),
        pytest.param("0692123456", "+262692123456", id="La Réunion"),
        pytest.param("0639012345", "+262639012345", id="Mayotte"),
    ],
)
def test_an_overseas_mobile_is_sent_with_its_own_country_code(sms_gateway, kept, dialled) -> None:
    channel(sms_gateway).send(uuid.uuid4(), Recipient("sms", kept), MESSAGE)
    [request] = sms_gateway.requests
    assert request["json"]["to"] == dialled


@pytest.mark.parametrize(
    ("status", "answer", "code", "permanent"),
    [
        (503, {}, "sms_gateway_http_503", False),
        (429, {}, "sms_gateway_http_429", False),
        (401, {}, "sms_gateway_http_401", False),
        (422, {"error": "invalid number"}, "sms_rejected", True),
        (200, {"message_id": "gw-2", "status": "rejected"}, "sms_rejected", True),
    ],
)
def test_gateway_answers_map_to_retry_or_give_up(
    sms_gateway, status, answer, code, permanent
) -> None:
    sms_gateway.status, sms_gateway.answer = status, answer
    with pytest.raises(DeliveryFailure) as failure:
        channel(sms_gateway).send(uuid.uuid4(), TO, MESSAGE)
    assert (failure.value.code, failure.value.permanent) == (code, permanent)


def test_a_gateway_that_is_down_is_a_failure_worth_retrying(sms_gateway) -> None:
    sms_gateway.stop()
    with pytest.raises(DeliveryFailure) as failure:
        channel(sms_gateway).send(uuid.uuid4(), TO, MESSAGE)
    assert (failure.value.code, failure.value.permanent) == ("sms_gateway_unreachable", False)
