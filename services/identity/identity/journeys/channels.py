"""The channels a code may go to: those on file, shown masked (spec §8)."""

from __future__ import annotations

from typing import Any

from shared.contacts import LETTER_MASK, mask_email, mask_phone
from shared.runtime.rpc import InvalidInput


def masked_channels(contact: dict[str, Any]) -> list[dict[str, str]]:
    """``[{"channel": "email", "masked": "d****l@t***.fr"}, …]`` for the contacts on file."""
    channels = []
    if contact.get("email"):
        channels.append({"channel": "email", "masked": mask_email(contact["email"])})
    if contact.get("phone"):
        channels.append({"channel": "sms", "masked": mask_phone(contact["phone"])})
    if contact.get("postal_address"):
        channels.append({"channel": "letter", "masked": LETTER_MASK})
    return channels


def offered_channel(channels: list[dict[str, str]], channel: str) -> str:
    """The masked form of ``channel`` if the flow offered it; InvalidInput otherwise."""
    for offered in channels:
        if offered["channel"] == channel:
            return offered["masked"]
    raise InvalidInput(
        code="channel_unavailable",
        fields={"channel": ["Choisissez un des moyens de réception proposés."]},
    )


def address_for(contact: dict[str, Any], channel: str) -> Any:
    """The address a code goes to on ``channel``, as notification expects it."""
    return {
        "email": contact.get("email"),
        "sms": contact.get("phone"),
        "letter": contact.get("postal_address"),
    }[channel]
