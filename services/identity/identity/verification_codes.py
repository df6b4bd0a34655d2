"""Verification codes: 6 digits from a CSPRNG, kept only as a keyed hash (spec §7).

Why HMAC-SHA256 and not argon2: a 6-digit code has only a million values, so *any* unkeyed hash,
however slow, is reversed offline in minutes by whoever reads the store. What protects the code
is a secret the store does not hold: the HMAC key (derived from the service's master key, never
stored with the events). With the key out of reach, the hash is useless; with it, argon2 would
not have helped either. HMAC also costs nothing per check, and the comparison is constant-time.
The flow id is part of the message, so a hash never matches in another flow.

>>> hasher = CodeHasher(b"k" * 32)
>>> hasher.matches(hasher.digest(FLOW, "123456"), FLOW, "123456")   # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

CODE_DIGITS = 6


def new_code() -> str:
    """A fresh code: ``new_code()`` -> "042917" (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class CodeHasher:
    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("code key must be at least 32 bytes")
        self._key = key

    def digest(self, flow_id: uuid.UUID, code: str) -> str:
        return hmac.new(self._key, f"{flow_id}:{code}".encode(), hashlib.sha256).hexdigest()

    def matches(self, stored: str | None, flow_id: uuid.UUID, code: str) -> bool:
        # Always compute and compare, even without a stored hash: same cost either way.
        candidate = self.digest(flow_id, code)
        return hmac.compare_digest(stored or "0" * len(candidate), candidate) and bool(stored)


@dataclass(frozen=True)
class CodePolicy:
    """Lifetimes per channel, wrong entries allowed, and resend limits (configuration)."""

    lifetimes: dict[str, timedelta] = field(
        default_factory=lambda: {
            "sms": timedelta(minutes=15),
            "email": timedelta(minutes=15),
            "letter": timedelta(days=30),
        }
    )
    max_wrong_entries: int = 3
    resend_interval: timedelta = timedelta(seconds=60)
    max_sends: int = 5
    # After the code is entered, the person must finish promptly (seed: "Nous vous invitons à
    # saisir immédiatement votre nouveau mot de passe").
    completion_window: timedelta = timedelta(minutes=30)

    def lifetime(self, channel: str) -> timedelta:
        return self.lifetimes[channel]
