"""Sealing: what only the notification service may read crosses the broker as a JWE.

Producers hold the notification service's public key (``NOTIFICATION_SEAL_PUBLIC_JWK``) and can
seal but not open; the notification service holds the private key
(``NOTIFICATION_SEAL_PRIVATE_JWK``). ECDH-ES+A256KW with A256GCM (RFC 7518).

>>> token = Sealer(public_jwk).seal({"code": "123456", "address": "a@b.fr"})  # doctest: +SKIP
>>> Unsealer(private_jwk).unseal(token)["code"]                             # doctest: +SKIP
'123456'
"""

from __future__ import annotations

import json
from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

HEADER = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM"}


class SealError(ValueError):
    """A sealed payload could not be opened (wrong key, altered, not a JWE)."""


class Sealer:
    def __init__(self, public_jwk: dict[str, Any]):
        self._key = ECKey.import_key({k: v for k, v in public_jwk.items() if k != "d"})

    def seal(self, payload: dict[str, Any]) -> str:
        plaintext = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        return jwe.encrypt_compact(HEADER, plaintext, self._key)


class Unsealer:
    def __init__(self, private_jwk: dict[str, Any]):
        if "d" not in private_jwk:
            raise ValueError("the unsealing key must be a private key")
        self._key = ECKey.import_key(private_jwk)

    def unseal(self, token: str) -> dict[str, Any]:
        try:
            plaintext = jwe.decrypt_compact(token, self._key).plaintext
        except (JoseError, ValueError) as exc:
            raise SealError("sealed payload cannot be opened") from exc
        if plaintext is None:
            raise SealError("sealed payload is empty")
        result: dict[str, Any] = json.loads(plaintext)
        return result


class NoUnsealingKey(Unsealer):
    """Where the unsealing key is not held (the audit tool): every sealed value stays shut."""

    def __init__(self) -> None:  # no key
        pass

    def unseal(self, token: str) -> dict[str, Any]:
        raise SealError("no unsealing key here (the audit tool's settings)")
