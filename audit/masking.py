"""What an auditor's view of a state leaves out: secrets about the person (the password's
argon2 hash, sealed blobs, pending codes) are withheld, as in the export, and the login identifier
is masked to its first character and last three (the auditor typed it: the rest adds nothing to
an audit, and audit output ends up in tickets and mails).

>>> masked_identifier("1630631555082"), masked_identifier("P33392250")
('1 ** ** ** *** 082', 'P*****250')
"""

from __future__ import annotations

from typing import Any

#: never shown: secrets about the person, not data of the person (or sealed blobs)
WITHHELD = ("password_hash", "sealed", "sealed_contact", "pending")
#: state fields holding a login identifier (plain text once opened)
IDENTIFIER_FIELDS = ("identifier", "previous_identifier")


def withheld(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` without the :data:`WITHHELD` fields (the export: the person's own data)."""
    return {k: v for k, v in state.items() if k not in WITHHELD}


def masked_identifier(value: str) -> str:
    """A NIR as ``1 ** ** ** *** 082``, a provisional identifier as ``P*****250``."""
    if value.startswith("P"):
        return value[0] + "*" * (len(value) - 4) + value[-3:]
    if len(value) == 13:
        return f"{value[0]} ** ** ** *** {value[-3:]}"
    return "*" * max(len(value) - 3, 0) + value[-3:]


def for_auditor(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` withheld and with its identifiers masked (``audit at``)."""
    shown = withheld(state)
    for name in IDENTIFIER_FIELDS:
        if isinstance(shown.get(name), str):
            shown[name] = masked_identifier(shown[name])
    return shown
