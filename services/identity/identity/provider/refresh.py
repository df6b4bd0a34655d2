"""The life of the tokens issued from a code (issue #34): families, refresh with rotation and
reuse detection, revocation (RFC 7009) and the status introspection and userinfo ask for.

Called by the gateway's authorization server (gateway/oidc/lifecycle.py) through the RPC
methods ``oidc_start_family``, ``oidc_refresh``, ``oidc_token_status`` and ``oidc_revoke``:

- ``start``: right after a code's redemption, the family of its tokens (and its first refresh
  token, if the client's record allows them; its lifetime comes from the gateway's settings, by
  client type);
- ``refresh``: the live refresh token is replaced by a new one (rotation); a spent one presented
  again ends the family (reuse); an expired one, one of an ended family, or one whose portal
  session has ended (logout, « tous les appareils », a credential or contact change, erasure,
  NIR attribution: :meth:`Sessions.is_revoked`) is refused;
- ``status``: is a family (an access token's ``fid``) or a refresh token still good;
- ``revoke``: its client ends a family (idempotent).

A refresh token is ``<family id, 32 hex>.<secret>``; only the secret's SHA-256 is kept.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.runtime import metrics
from shared.runtime.clock import Clock
from shared.runtime.eventstore import Decided

from ..journeys.sessions import Sessions
from ..store import IdentityStore
from .claims import acr_of, amr_of
from .families import ApplicationLogins, TokenFamily, token_digest
from .journey import _session_claims
from .records import AuthorizationCode

#: A family is started right after its code's redemption, or never.
START_WINDOW = timedelta(seconds=60)


def _parse(refresh_token: str) -> tuple[uuid.UUID, str] | None:
    family, _, secret = refresh_token.partition(".")
    try:
        return uuid.UUID(hex=family), secret
    except ValueError:
        return None


def _new_token(family_id: uuid.UUID) -> tuple[str, str]:
    secret = secrets.token_urlsafe(32)
    return f"{family_id.hex}.{secret}", token_digest(secret)


@dataclass
class TokenLife:
    store: IdentityStore
    clock: Clock
    sessions: Sessions

    # -- start ---------------------------------------------------------------------------------

    def start(self, code: str, client_id: str, refresh_ttl_s: int | None) -> dict[str, Any]:
        """``{"outcome": "started", "family": …, "refresh_token": … | None}`` or
        ``{"outcome": "refused"}`` (not this client's code just redeemed, or a family exists)."""
        code_id = AuthorizationCode.id_for(code)
        answer: dict[str, Any] = self.store.save_with_retry(
            lambda: self._start(code_id, code, client_id, refresh_ttl_s)
        )
        return answer

    def _start(
        self, code_id: uuid.UUID, code: str, client_id: str, refresh_ttl_s: int | None
    ) -> Decided[dict[str, Any]]:
        now = self.clock.now()
        issued: AuthorizationCode | None = self.store.find(code_id)
        refused = Decided({"outcome": "refused", "family": None, "refresh_token": None})
        if (
            issued is None
            or issued.client_id != client_id
            or issued.redeemed_at is None
            or now - issued.redeemed_at > START_WINDOW
        ):
            return refused
        family_id = TokenFamily.id_for(code_id.hex)
        if self.store.find(family_id) is not None:
            return refused
        refresh_token, digest = (None, None)
        if refresh_ttl_s:
            refresh_token, digest = _new_token(family_id)
        family = TokenFamily(  # type: ignore[call-arg]
            client_id=client_id, grant_id=issued.grant_id, subject=issued.subject,
            scopes=issued.scopes, session=issued.session, refresh_digest=digest, at=now,
            expires_at=now + timedelta(seconds=refresh_ttl_s) if refresh_ttl_s else None,
            id=family_id,
        )  # fmt: skip
        if refresh_token:
            metrics.OIDC_REFRESH.labels(outcome="issued").inc()
        account_id = str(issued.session["account_id"])
        logins: ApplicationLogins | None = self.store.find(ApplicationLogins.id_for(account_id))
        if logins is None:
            logins = ApplicationLogins(  # type: ignore[call-arg]
                account_id=account_id, id=ApplicationLogins.id_for(account_id)
            )
        logins.logged_in(client_id, str(family_id), now)
        answer = {"outcome": "started", "family": str(family_id), "refresh_token": refresh_token}
        return Decided(answer, family, logins)

    def logins(self, account_id: str) -> list[dict[str, Any]]:
        """The applications the person logged in to: ``[{"client_id", "family_id", "at"}]``."""
        found: ApplicationLogins | None = self.store.find(ApplicationLogins.id_for(account_id))
        return list(found.logins) if found else []

    # -- refresh -------------------------------------------------------------------------------

    def refresh(self, refresh_token: str, client_id: str) -> dict[str, Any]:
        """``{"outcome": "rotated", "grant": {…}, "family": …, "refresh_token": the new one}`` or
        ``{"outcome": "invalid_grant", "reason": unknown | another_client | reused | revoked |
        expired | session_ended}``."""
        parsed = _parse(refresh_token)
        if parsed is None:
            return self._refused("unknown")
        family_id, secret = parsed
        answer: dict[str, Any] = self.store.save_with_retry(
            lambda: self._refresh(family_id, token_digest(secret), client_id)
        )
        metrics.OIDC_REFRESH.labels(outcome=answer.get("reason") or "rotated").inc()
        return answer

    @staticmethod
    def _refused(reason: str) -> dict[str, Any]:
        metrics.OIDC_REFRESH.labels(outcome=reason).inc()
        return {"outcome": "invalid_grant", "reason": reason}

    def _refresh(
        self, family_id: uuid.UUID, digest: str, client_id: str
    ) -> Decided[dict[str, Any]]:
        now = self.clock.now()
        family: TokenFamily | None = self.store.find(family_id)

        def refused(reason: str, *changed: TokenFamily) -> Decided[dict[str, Any]]:
            return Decided({"outcome": "invalid_grant", "reason": reason}, *changed)

        if family is None or family.client_id != client_id:
            return refused("unknown" if family is None else "another_client")
        seen = family.presented(digest)
        if seen == "unknown":
            return refused("unknown")
        if family.ended:
            return refused(family.end_reason or "revoked")
        if seen == "spent":
            family.reuse_detected(now)
            return refused("reused", family)
        if family.expires_at is None or now >= family.expires_at:
            return refused("expired")
        if self.sessions.is_revoked(_session_claims(family.session)):
            family.end("session_ended", now)
            return refused("session_ended", family)
        new_token, new_digest = _new_token(family_id)
        family.rotate(new_digest, now)
        answer = {"outcome": "rotated", "grant": self._grant(family),
                  "family": str(family_id), "refresh_token": new_token}  # fmt: skip
        return Decided(answer, family)

    @staticmethod
    def _grant(family: TokenFamily) -> dict[str, Any]:
        session = family.session
        return {
            "client_id": family.client_id,
            "sub": family.subject,
            "scopes": family.scopes,
            "sid": session["session_id"],
            "auth_time": int(datetime.fromisoformat(session["auth_time"]).timestamp()),
            "acr": acr_of(session["auth_method"]),
            "amr": amr_of(session["auth_method"]),
        }

    # -- status and revocation -----------------------------------------------------------------

    def status(self, family: str | None, refresh_token: str | None) -> dict[str, Any]:
        """``{"active": True, "client_id": …, "sub": …, "scope": …, "sid": …, "exp": …}`` (``exp``
        only for a refresh token) or ``{"active": False, "reason": …}``."""
        found, seen = self._find(family, refresh_token)
        if found is None:
            return {"active": False, "reason": "unknown"}
        if refresh_token is not None and seen != "live":
            return {"active": False, "reason": "spent" if seen == "spent" else "unknown"}
        if found.ended:
            return {"active": False, "reason": found.end_reason}
        if self.sessions.is_revoked(_session_claims(found.session)):
            return {"active": False, "reason": "session_ended"}
        answer: dict[str, Any] = {
            "active": True, "client_id": found.client_id, "sub": found.subject,
            "scope": " ".join(found.scopes), "sid": found.session["session_id"],
        }  # fmt: skip
        if refresh_token is not None:
            if found.expires_at is None or self.clock.now() >= found.expires_at:
                return {"active": False, "reason": "expired"}
            answer["exp"] = int(found.expires_at.timestamp())
        return answer

    def revoke(
        self, family: str | None, refresh_token: str | None, client_id: str
    ) -> dict[str, Any]:
        """Ends the family of an access token (``family``) or of a refresh token, if it is
        ``client_id``'s: ``{"outcome": "revoked" | "unknown"}`` (RFC 7009: 200 either way)."""

        def decide() -> Decided[dict[str, Any]]:
            found, seen = self._find(family, refresh_token)
            if found is None or found.client_id != client_id or seen == "unknown":
                return Decided({"outcome": "unknown"})
            if found.ended:
                return Decided({"outcome": "revoked"})
            found.end("revoked", self.clock.now())
            return Decided({"outcome": "revoked"}, found)

        answer: dict[str, Any] = self.store.save_with_retry(decide)
        return answer

    def _find(
        self, family: str | None, refresh_token: str | None
    ) -> tuple[TokenFamily | None, str | None]:
        if refresh_token is not None:
            parsed = _parse(refresh_token)
            if parsed is None:
                return None, None
            found: TokenFamily | None = self.store.find(parsed[0])
            return found, found.presented(token_digest(parsed[1])) if found else None
        try:
            return self.store.find(uuid.UUID(str(family))), None
        except ValueError:
            return None, None
