"""The one interface every channel implements."""

from __future__ import annotations

import uuid
from typing import Protocol

from ..contacts import Recipient
from ..messages import Message


class DeliveryFailure(Exception):
    """The channel did not take the message.

    ``code`` is stable and free of personal data (it is stored and published); ``permanent``
    says retrying cannot help (address refused, request rejected), so the delivery is given up.
    """

    def __init__(self, code: str, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def send(self, delivery_id: uuid.UUID, recipient: Recipient, message: Message) -> None:
        """Hands the message over, or raises :class:`DeliveryFailure`. Sending the same
        ``delivery_id`` again must be harmless where the channel allows it (the letter spool
        overwrites; SMTP and SMS gateways receive the id as a reference)."""
        ...
