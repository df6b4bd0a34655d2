"""Sessions (spec §5, §14): the keys that verify them, verification, logout, a session extended
by one action (``refresh``, RGAA 13.1) and ended on every device at once (``logout_everywhere``).

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
from ..domain import RevokedSession, SessionsCutoff
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

    def refresh(self, token: str) -> dict[str, Any]:
        """``{"outcome": "refreshed", "session": {…}}`` or ``{"outcome": "maximum_reached",
        "session": None, "expires_at": …}`` (log in again); a dead session is bad input."""
        claims = self.live(token)
        renewed = self.tokens.refresh(claims, self.clock.now())
        if renewed is None:
            return {
                "outcome": "maximum_reached",
                "session": None,
                "expires_at": claims.expires_at.isoformat(),
            }
        return {
            "outcome": "refreshed",
            "session": {
                "token": renewed.token,
                "token_type": "Bearer",
                "expires_at": renewed.expires_at.isoformat(),
            },
            "expires_at": renewed.expires_at.isoformat(),
        }

    def logout_everywhere(self, token: str) -> dict[str, Any]:
        """Ends every session of the account, this one included: ``{"outcome": "logged_out"}``."""
        claims = self.live(token)
        now = self.clock.now()
        cutoff = self.store.find(SessionsCutoff.create_id(claims.account_id))
        if cutoff is None:
            cutoff = SessionsCutoff(account_id=claims.account_id, at=now)
        else:
            cutoff.move(now)
        self.store.save(cutoff)
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
        """Logged out (this session), ended by a change of the credential, or opened before
        the account's last « tous les appareils »."""
        if self.store.find(revocation_id(claims)) is not None or self.store.sessions_revoked(
            claims
        ):
            return True
        cutoff = self.store.find(SessionsCutoff.create_id(claims.account_id))
        return cutoff is not None and claims.auth_time <= cutoff.at


def revocation_id(claims: SessionClaims) -> uuid.UUID:
    return uuid.UUID(claims.session_id)
