"""SMS through the agency's HTTP SMS gateway (JSON over HTTPS, bearer token).

Request (one per message)::

    POST <SMS_GATEWAY_URL>
    Authorization: Bearer <SMS_GATEWAY_TOKEN>
    Idempotency-Key: <delivery id>
    {"reference": "<delivery id>", "to": "+33612345678", "sender": "MonCompte", "text": "..."}

Answer: any 2xx with ``{"message_id": "...", "status": "accepted"}`` means taken; a 2xx whose
status is ``"rejected"``, or a 400/404/422, is a permanent refusal; 401/403 (configuration),
408, 429, 5xx and network errors are worth retrying.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import requests

from shared import mobile_numbers

from ..contacts import Recipient
from ..messages import Message
from .base import DeliveryFailure

PERMANENT_STATUSES = {400, 404, 410, 413, 422}


@dataclass(frozen=True)
class SmsGatewaySettings:
    url: str
    token: str
    sender: str = "MonCompte"
    timeout_s: float = 10.0


class SmsChannel:
    """Posts one SMS per delivery to the gateway.

    >>> SmsChannel(SmsGatewaySettings(url="https://sms.example.org/v1/messages", token="t")).name
    'sms'
    """

    name = "sms"

    def __init__(
        self, settings: SmsGatewaySettings, session: requests.Session | None = None
    ) -> None:
        self.settings = settings
        self.session = session or requests.Session()

    def send(self, delivery_id: uuid.UUID, recipient: Recipient, message: Message) -> None:
        request = {
            "reference": str(delivery_id),
            "to": international_number(str(recipient.address)),
            "sender": self.settings.sender,
            "text": message.body.strip(),
        }
        headers = {
            "Authorization": f"Bearer {self.settings.token}",
            "Idempotency-Key": str(delivery_id),
        }
        try:
            response = self.session.post(
                self.settings.url, json=request, headers=headers, timeout=self.settings.timeout_s
            )
        except requests.RequestException:
            raise DeliveryFailure("sms_gateway_unreachable") from None
        if response.status_code in PERMANENT_STATUSES:
            raise DeliveryFailure("sms_rejected", permanent=True)
        if not 200 <= response.status_code < 300:
            raise DeliveryFailure(f"sms_gateway_http_{response.status_code}")
        if _answer_status(response) == "rejected":
            raise DeliveryFailure("sms_rejected", permanent=True)


def international_number(phone: str) -> str:
    """French numbers in E.164, the gateway's format; an overseas mobile keeps its own
    country code (``shared.mobile_numbers``).

    >>> international_number("06 12 34 56 78")
    '+33612345678'
    >>> international_number("0696 12 34 56")
    '+596696123456'
    """
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return mobile_numbers.international(digits)


def _answer_status(response: requests.Response) -> str | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer.get("status") if isinstance(answer, dict) else None
