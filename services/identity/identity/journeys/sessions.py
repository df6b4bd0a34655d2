"""Sessions (spec §5, §14): the keys that verify them, verification, logout.

Every "Gérer Mon Compte" call needs a live session (:meth:`Sessions.live`): a token that is
forged, expired or revoked is refused as bad input (``session_invalid``), nothing is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from shared.runtime.clock import Clock
from shared.runtime.rpc import InvalidInput

from .. import messages
from ..domain import RevokedSession
from ..sessions import SessionClaims, SessionTokens
from ..store import IdentityStore


@dataclass
class Sessions:
    store: IdentityStore
    clock: Clock
    tokens: SessionTokens

    def keys(self) -> dict[str, Any]:
        """The JWKS that verifies session tokens: ``{"keys": [{"kty": "EC", "kid": …}]}``."""
        return self.tokens.jwks()

    def verify(self, token: str) -> dict[str, Any]:
        """``{"valid": True, "account_id": …, "identifier_kind": "nir", "auth_method":
        "password", "expires_at": "…"}``, or ``{"valid": False, "reason": …}``."""
        claims = self.tokens.read(token, self.clock.now())
        invalid = {"valid": False, "account_id": None, "identifier_kind": None,
                   "auth_method": None, "expires_at": None}  # fmt: skip
        if claims is None:
            return {**invalid, "reason": "invalid_or_expired"}
        if self.is_revoked(claims):
            return {**invalid, "reason": "revoked"}
        return {
            "valid": True,
            "reason": None,
            "account_id": str(claims.account_id),
            "identifier_kind": claims.identifier_kind,
            "auth_method": claims.auth_method,
            "expires_at": claims.expires_at.isoformat(),
        }

    def logout(self, token: str) -> dict[str, Any]:
        """Revokes the session (idempotent): ``{"outcome": "logged_out"}``."""
        claims = self.tokens.read(token, self.clock.now())
        if claims is not None and not self.is_revoked(claims):
            self.store.save(
                RevokedSession(
                    account_id=claims.account_id,
                    at=self.clock.now(),
                    expires_at=claims.expires_at,
                    id=revocation_id(claims),  # type: ignore[call-arg]  # eventsourcing's id=
                )
            )
        return {"outcome": "logged_out"}

    def live(self, token: str) -> SessionClaims:
        """The claims of a live session; InvalidInput ``session_invalid`` otherwise."""
        claims = self.tokens.read(token, self.clock.now())
        if claims is None or self.is_revoked(claims):
            raise InvalidInput(
                code="session_invalid",
                message=messages.SESSION_INVALID,
                fields={"token": [messages.SESSION_INVALID]},
            )
        return claims

    def is_revoked(self, claims: SessionClaims) -> bool:
        return self.store.find(revocation_id(claims)) is not None


def revocation_id(claims: SessionClaims) -> uuid.UUID:
    return uuid.UUID(claims.session_id)
