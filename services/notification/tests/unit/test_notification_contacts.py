"""Which channel a message takes, and how addresses are masked."""

from __future__ import annotations

import pytest
from notification.contacts import Contact
from notification.masking import mask_address

POSTAL = {"lines": ["12 rue des Lilas", "06000 NICE"]}


def contact(
    email: str | None, phone: str | None, postal: dict | None, preferred: str = "email"
) -> Contact:
    return Contact.from_unsealed(
        {
            "display_name": "Daniel MORVAN",
            "civility": "M",
            "email": email,
            "phone": phone,
            "postal_address": postal,
            "preferred": preferred,
        }
    )


@pytest.mark.parametrize(
    ("kind", "email", "phone", "postal", "preferred", "expected"),
    [
        ("freeze_alert", "d@t.fr", "0612345678", POSTAL, "sms", "email"),  # mail first
        ("freeze_alert", None, "0612345678", POSTAL, "email", "sms"),
        ("freeze_alert", None, None, POSTAL, "email", None),  # never a letter
        ("password_changed", "d@t.fr", "0612345678", None, "sms", "sms"),  # preferred
        ("password_changed", None, "0612345678", None, "email", "sms"),
        ("nir_assigned", None, None, POSTAL, "email", "letter"),
        ("delegation_granted", None, None, None, "email", None),
    ],
)
def test_channel_choice(kind, email, phone, postal, preferred, expected) -> None:
    assert contact(email, phone, postal, preferred).channel_for(kind) == expected


@pytest.mark.parametrize(
    ("channel", "address", "masked"),
    [
        ("email", "daniel.morvan@test.fr", "d****n@t***.fr"),
        ("email", "x@localhost", "****@l***"),
        ("sms", "06 12 34 56 12", "06 ** ** ** 12"),
        ("sms", "+33612345678", "06 ** ** ** 78"),
        ("letter", POSTAL, "adresse postale (06***)"),
        ("letter", {"lines": ["Chez M. X"]}, "adresse postale"),
    ],
)
def test_masked_addresses_keep_only_a_hint(channel, address, masked) -> None:
    assert mask_address(channel, address) == masked


def test_a_missing_address_cannot_be_masked() -> None:
    with pytest.raises(ValueError):
        mask_address("email", None)
