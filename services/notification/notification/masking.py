"""Masked forms of contact addresses: what support may see once a message is gone.

The same shapes as the password-reset screens (spec §8): ``d****n@t***.fr``, ``06 ** ** ** 12``.

>>> mask_email("daniel.morvan@test.fr")
'd****n@t***.fr'
>>> mask_phone("0612345612")
'06 ** ** ** 12'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_POSTAL_CODE = re.compile(r"\b(\d{2})\d{3}\b")


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:  # no dot in the domain: mask it all but its first letter
        host, tld = domain, ""
    masked_local = f"{local[:1]}****{local[-1:]}" if len(local) > 1 else "****"
    return f"{masked_local}@{host[:1]}***{dot}{tld}"


def mask_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return f"{digits[:2]} ** ** ** {digits[-2:]}"


def mask_postal_address(lines: Sequence[str]) -> str:
    """Only the department of the postal code survives: enough to tell two addresses apart."""
    for line in reversed(lines):
        found = _POSTAL_CODE.search(line)
        if found:
            return f"adresse postale ({found.group(1)}***)"
    return "adresse postale"


def mask_address(channel: str, address: object) -> str:
    """The masked form of an address of ``channel`` (email, sms or letter)."""
    if channel == "email" and isinstance(address, str):
        return mask_email(address)
    if channel == "sms" and isinstance(address, str):
        return mask_phone(address)
    if channel == "letter" and isinstance(address, dict):
        return mask_postal_address([str(line) for line in address.get("lines", [])])
    raise ValueError(f"no {channel} address")
