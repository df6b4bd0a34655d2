"""« Se souvenir de moi »: the identifier in a cookie sealed by the gateway, shown masked.

Sealed with Fernet (AES-128-CBC + HMAC, ``cryptography``) under a key derived from the
gateway's secret, ``HttpOnly``, ``Secure``, ``SameSite=Strict``, path of the login page, 13 months
at most (CNIL). Never the password. Shared computers (France Services desks) show the next person
only ``1 63 ** ** *** 082`` and « Ce n'est pas vous ? Oublier cet identifiant ».

>>> seal = Seal(b"k" * 32, "remembered identifier")
>>> seal.open(seal.close("1630631555082"))
'1630631555082'
"""

from __future__ import annotations

import base64
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.identifiers import InvalidIdentifier, parse_identifier

COOKIE = "identifiant_memorise"
COOKIE_PATH = "/connexion"
LIFETIME = timedelta(days=395)  # 13 months


class Seal:
    """Encrypts and authenticates text for the browser to keep; one key per ``purpose``."""

    def __init__(self, secret_key: bytes, purpose: str, lifetime: timedelta = LIFETIME):
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"portal {purpose}".encode()
        ).derive(secret_key)
        self._ttl = int(lifetime.total_seconds())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def close(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str | None) -> str | None:
        """The text, or None when missing, forged or too old."""
        if not sealed:
            return None
        try:
            raw = self._fernet.decrypt(sealed.encode(), ttl=self._ttl)
        except InvalidToken:
            return None
        return raw.decode()


def masked(identifier: str) -> str:
    """``1 63 ** ** *** 082`` for a NIR, ``P*****250`` for a provisional identifier."""
    try:
        parsed = parse_identifier(identifier)
    except InvalidIdentifier:
        return "********"
    value = parsed.value
    if parsed.kind == "provisional":
        return f"P*****{value[-3:]}"
    return f"{value[0]} {value[1:3]} ** ** *** {value[10:13]}"


def canonical(identifier: str) -> str | None:
    try:
        return parse_identifier(identifier).value
    except InvalidIdentifier:
        return None
