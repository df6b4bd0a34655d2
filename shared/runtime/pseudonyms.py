"""Keyed pseudonyms: how events, logs and other services refer to an identifier.

HMAC-SHA256 under ``PSEUDONYM_KEY`` (the same key in every service), domain-separated by kind, so
a NIR's pseudonym cannot be recomputed without the key (the NIR space is small enough to
enumerate: a plain hash would not protect it).

>>> Pseudonymizer(b"k" * 32).of("identifier", "1630631555082")[:8]
'82fe19f4'
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

KINDS = ("identifier", "nir", "dossier", "source", "franceconnect", "civil_status", "agent")

_NAMESPACE = uuid.UUID("6f1c0a52-3c1e-4d55-9b1e-1b9f4a3b2c10")


class Pseudonymizer:
    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("pseudonym key must be at least 32 bytes")
        self._key = key

    def of(self, kind: str, value: str) -> str:
        """The 64-hex pseudonym of ``value`` (a canonical identifier) in domain ``kind``."""
        if kind not in KINDS:
            raise ValueError(f"unknown pseudonym kind {kind}")
        message = f"{kind}:{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def uuid_of(self, kind: str, value: str) -> uuid.UUID:
        """A stable UUID for index aggregates (uniqueness of a NIR, a provisional id, …)."""
        return uuid_of_pseudonym(self.of(kind, value))


def uuid_of_pseudonym(pseudonym: str) -> uuid.UUID:
    """The index UUID of a pseudonym another service published (``identifier_key``)."""
    return uuid.uuid5(_NAMESPACE, pseudonym)
