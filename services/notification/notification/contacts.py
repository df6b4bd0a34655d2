"""What the sealed payloads contain once opened, and which channel a message goes by.

Sealed contact (AccountCreated, ContactsUpdated)::

    {"display_name": "Prénom NOM", "civility": "M"|"Mme"|None, "email": str|None,
     "phone": str|None, "postal_address": {"lines": [...]}|None, "preferred": "email"|"sms"}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: How the sealed payload kept in a delivery reads once opened.
MESSAGE_SHAPE = "message"  # {"code"|"identifier", "address", "display_name"} from the producer
CONTACT_SHAPE = "contact"  # a sealed contact (above); the delivery's channel picks the address

#: A freeze alert is worth nothing once the freeze is over: never by letter (spec §6: mail
#: first, else SMS).
FREEZE_ALERT_ORDER = ("email", "sms")


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to and where: what the templates and channels need, nothing more."""

    channel: str
    address: Any  # e-mail, phone number, or {"lines": [...]} for a letter
    display_name: str | None = None
    civility: str | None = None


@dataclass(frozen=True)
class Contact:
    display_name: str | None
    civility: str | None
    email: str | None
    phone: str | None
    postal_lines: tuple[str, ...] | None
    preferred: str

    @classmethod
    def from_unsealed(cls, data: dict[str, Any]) -> Contact:
        postal = data.get("postal_address") or None
        lines = tuple(str(line) for line in postal.get("lines", [])) if postal else None
        return cls(
            display_name=data.get("display_name"),
            civility=data.get("civility"),
            email=data.get("email") or None,
            phone=data.get("phone") or None,
            postal_lines=lines or None,
            preferred=data.get("preferred") or "email",
        )

    def address_for(self, channel: str) -> Any:
        if channel == "email":
            return self.email
        if channel == "sms":
            return self.phone
        if channel == "letter":
            return {"lines": list(self.postal_lines)} if self.postal_lines else None
        return None

    def channel_for(self, kind: str) -> str | None:
        """The channel a message of ``kind`` goes by, or None when no suitable contact is known.

        Freeze alerts: e-mail first, else SMS. Anything else: the preferred channel, else the
        other electronic one, else a letter to the postal address.

        >>> Contact(None, None, None, "0612345678", None, "email").channel_for("freeze_alert")
        'sms'
        """
        if kind == "freeze_alert":
            order: tuple[str, ...] = FREEZE_ALERT_ORDER
        else:
            other = "sms" if self.preferred == "email" else "email"
            order = (self.preferred, other, "letter")
        return next((channel for channel in order if self.address_for(channel)), None)

    def recipient(self, channel: str) -> Recipient:
        return Recipient(channel, self.address_for(channel), self.display_name, self.civility)
