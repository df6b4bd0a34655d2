"""Verifying what FranceConnect signs: the ID token and the userinfo answer.

ID token (OpenID Connect Core §3.1.3.7): signature by a key of FranceConnect's JWKS with ES256
or RS256 (never ``none``, never HMAC), issuer, audience (and ``azp`` when several), expiry,
issue time, nonce (compared by hash with the one stored at the start), and ``acr`` at least the
level asked. A token signed by a key we do not know makes us refetch the keys once (a rotation)
before refusing it.

>>> claims = IdTokenVerifier(config, provider.keys).verify(raw, nonce_hash, now)  # doctest: +SKIP
>>> claims["sub"]
'b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .config import FranceConnectConfig

#: eIDAS levels, lowest first: a token at or above the level asked is accepted.
ACR_LEVELS = ("eidas1", "eidas2", "eidas3")


class TokenRejected(Exception):
    """``malformed``, ``signature``, ``algorithm``, ``issuer``, ``audience``, ``expired``,
    ``issued_in_future``, ``nonce``, ``acr``, ``subject`` (userinfo of another person)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def digest(value: str) -> str:
    """How state, nonce and link tokens are kept: a SHA-256 (they are 256-bit random values)."""
    return hashlib.sha256(value.encode()).hexdigest()


def random_token() -> str:
    """43 URL-safe characters, 256 bits from the CSPRNG (state, nonce, link token)."""
    return secrets.token_urlsafe(32)


class SignedClaims:
    """Checks a JWS signed by FranceConnect and returns its claims."""

    def __init__(self, config: FranceConnectConfig, keys: Callable[..., KeySet]):
        self.config = config
        self.keys = keys

    def claims_of(self, raw: str) -> dict[str, Any]:
        if not isinstance(raw, str) or raw.count(".") != 2 or len(raw) > 16384:
            raise TokenRejected("malformed")
        algorithm = self._algorithm(raw)
        if algorithm not in self.config.algorithms:
            raise TokenRejected("algorithm")
        for refresh in (False, True):
            try:
                decoded = jwt.decode(raw, self.keys(refresh=refresh), algorithms=[algorithm])
            except (JoseError, ValueError, KeyError, TypeError):
                continue  # perhaps a key FranceConnect published since: refetch once
            if not isinstance(decoded.claims, dict):
                raise TokenRejected("malformed")
            return dict(decoded.claims)
        raise TokenRejected("signature")

    @staticmethod
    def _algorithm(raw: str) -> str:
        header_part = raw.split(".")[0]
        try:
            padded = header_part + "=" * (-len(header_part) % 4)
            header = json.loads(base64.urlsafe_b64decode(padded))
            return str(header["alg"])
        except (ValueError, KeyError, TypeError):
            raise TokenRejected("malformed") from None


class IdTokenVerifier(SignedClaims):
    def verify(self, raw: str, nonce_hash: str, now: datetime) -> dict[str, Any]:
        """The ID token's claims, or :class:`TokenRejected` with the first rule it breaks."""
        claims = self.claims_of(raw)
        self.check_issuer_and_audience(claims)
        instant, leeway = int(now.timestamp()), self.config.leeway_s
        expires, issued = claims.get("exp"), claims.get("iat")
        if not isinstance(expires, int) or expires + leeway <= instant:
            raise TokenRejected("expired")
        if not isinstance(issued, int) or issued - leeway > instant:
            raise TokenRejected("issued_in_future")
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or not hmac.compare_digest(digest(nonce), nonce_hash):
            raise TokenRejected("nonce")
        if not self.acr_sufficient(claims.get("acr")):
            raise TokenRejected("acr")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise TokenRejected("malformed")
        return claims

    def check_issuer_and_audience(self, claims: dict[str, Any]) -> None:
        if claims.get("iss") != self.config.issuer:
            raise TokenRejected("issuer")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.config.client_id not in audiences:
            raise TokenRejected("audience")
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise TokenRejected("audience")

    def acr_sufficient(self, acr: Any) -> bool:
        asked = self.config.acr_values.split()[0] if self.config.acr_values else None
        if asked is None:
            return True
        if asked not in ACR_LEVELS or acr not in ACR_LEVELS:
            return acr == asked
        return ACR_LEVELS.index(acr) >= ACR_LEVELS.index(asked)


class UserinfoVerifier(SignedClaims):
    def verify(self, content_type: str, body: str, sub: str) -> dict[str, Any]:
        """The userinfo claims; a JWT answer must be signed by FranceConnect (and, signed, carry
        our issuer and audience); either way its ``sub`` must be the ID token's."""
        if content_type == "application/jwt":
            claims = self.claims_of(body.strip())
            # Signed userinfo carries iss and aud (OpenID Connect Core §5.3.2): check them.
            if "iss" in claims or "aud" in claims:
                IdTokenVerifier(self.config, self.keys).check_issuer_and_audience(claims)
        else:
            try:
                claims = json.loads(body)
            except ValueError:
                raise TokenRejected("malformed") from None
            if not isinstance(claims, dict):
                raise TokenRejected("malformed")
        if claims.get("sub") != sub:
            raise TokenRejected("subject")
        return claims
