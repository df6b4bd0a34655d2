"""Session tokens: short-lived JWTs signed with an asymmetric key (ES256), verifiable by anyone
holding the published key set (``session_keys()``), revocable at logout by their ``jti``.

Gateways may verify tokens themselves with the JWKS; ``verify_session`` also checks revocation.
Older verification keys can stay published during a key rotation (``previous_public_jwks``).

>>> tokens = SessionTokens(ECKey.generate_key("P-256", private=True).as_dict(private=True))
>>> issued = tokens.issue(account_id=ACCOUNT, identifier_kind="nir", auth_method="password",
...                       now=NOW)                                          # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"
ISSUER = "identity"
AUDIENCE = "mon-compte"


@dataclass(frozen=True)
class IssuedSession:
    token: str
    session_id: str  # the jti
    expires_at: datetime


@dataclass(frozen=True)
class SessionClaims:
    account_id: uuid.UUID
    identifier_kind: str
    auth_method: str
    session_id: str
    expires_at: datetime
    auth_time: datetime  # the login that opened the session; a refresh keeps it
    generation: int = 0  # the account's session generation at issue (session_revocation.py)


class SessionTokens:
    def __init__(
        self,
        private_jwk: dict[str, Any],
        lifetime: timedelta = timedelta(minutes=15),
        previous_public_jwks: tuple[dict[str, Any], ...] = (),
        max_lifetime: timedelta = timedelta(hours=8),
    ):
        key = ECKey.import_key(private_jwk)
        key.ensure_kid()
        self._key = key
        self.lifetime = lifetime
        self.max_lifetime = max_lifetime
        public = [ECKey.import_key(key.as_dict(private=False))]
        for jwk in previous_public_jwks:
            old = ECKey.import_key({k: v for k, v in jwk.items() if k != "d"})
            old.ensure_kid()
            public.append(old)
        self._verification_keys = KeySet(public)  # type: ignore[arg-type]

    @property
    def kid(self) -> str:
        return str(self._key.kid)

    def jwks(self) -> dict[str, Any]:
        """The public keys, as published by ``session_keys()``: ``{"keys": [{…, "kid": …}]}``."""
        return {
            "keys": [
                {**k.as_dict(private=False), "use": "sig", "alg": ALGORITHM}
                for k in self._verification_keys.keys
            ]
        }

    def issue(
        self,
        *,
        account_id: uuid.UUID,
        identifier_kind: str,
        auth_method: str,
        now: datetime,
        session_id: str | None = None,
        auth_time: datetime | None = None,
        generation: int = 0,
    ) -> IssuedSession:
        """A new session (login), or the same session slid forward (``refresh``): the expiry
        never passes ``auth_time`` + ``max_lifetime``."""
        session_id = session_id or str(uuid.uuid4())
        auth_time = auth_time or now
        expires_at = min(now + self.lifetime, auth_time + self.max_lifetime)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(account_id),
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": session_id,
            "account_id": str(account_id),
            "identifier_kind": identifier_kind,
            "auth_method": auth_method,
            "auth_time": int(auth_time.timestamp()),
            # to the millisecond: « tous les appareils » ends the sessions opened up to its
            # instant, and a login the same second after it must live (auth_time is seconds)
            "auth_time_ms": int(auth_time.timestamp() * 1000),
            "sgen": generation,
        }
        header = {"alg": ALGORITHM, "kid": self.kid}
        token = jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])
        return IssuedSession(token, session_id, expires_at.replace(microsecond=0))

    def read(self, token: str, now: datetime) -> SessionClaims | None:
        """The claims of a genuine, unexpired token of ours; None otherwise (no reason given:
        the caller only needs to know it cannot be trusted)."""
        if not isinstance(token, str) or len(token) > 4096:
            return None
        try:
            decoded = jwt.decode(token, self._verification_keys, algorithms=[ALGORITHM])
            registry = jwt.JWTClaimsRegistry(
                now=int(now.timestamp()),
                iss={"essential": True, "value": ISSUER},
                aud={"essential": True, "value": AUDIENCE},
                exp={"essential": True},
                jti={"essential": True},
            )
            registry.validate(decoded.claims)
            claims = decoded.claims
            opened = opened_at(claims)
            return SessionClaims(
                account_id=uuid.UUID(claims["account_id"]),
                identifier_kind=str(claims["identifier_kind"]),
                auth_method=str(claims["auth_method"]),
                session_id=str(claims["jti"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
                auth_time=opened,
                generation=int(claims.get("sgen", 0)),
            )
        except (JoseError, ValueError, KeyError, TypeError):
            return None

    def refresh(self, claims: SessionClaims, now: datetime) -> IssuedSession | None:
        """The same session (same ``jti``: a logout still ends it) with a later expiry, or None
        once the absolute maximum is reached (RGAA 13.1 extension, within a security bound)."""
        if now + timedelta(seconds=1) >= claims.auth_time + self.max_lifetime:
            return None
        return self.issue(
            account_id=claims.account_id,
            identifier_kind=claims.identifier_kind,
            auth_method=claims.auth_method,
            now=now,
            session_id=claims.session_id,
            auth_time=claims.auth_time,
            generation=claims.generation,  # a refresh never outlives a revocation
        )


def opened_at(claims: dict[str, Any]) -> datetime:
    """When the session's login took place: to the millisecond (``auth_time_ms``); older
    tokens to the second (``auth_time``), or their ``iat`` before that."""
    if "auth_time_ms" in claims:
        return datetime.fromtimestamp(int(claims["auth_time_ms"]) / 1000, UTC)
    return datetime.fromtimestamp(int(claims.get("auth_time") or claims["iat"]), UTC)


class NoSigningKey(SessionTokens):
    """The tokens of an application the audit tool opens (``IdentitySettings.for_tool``): it
    holds no session-signing key, so it can neither issue, refresh nor read a session."""

    def __init__(self) -> None:  # no key: nothing of SessionTokens.__init__ applies
        self.lifetime = timedelta(0)
        self.max_lifetime = timedelta(0)

    def _refuse(self) -> Any:
        raise RuntimeError("no session-signing key here (the audit tool's settings)")

    @property
    def kid(self) -> str:
        return str(self._refuse())

    def jwks(self) -> dict[str, Any]:
        return dict(self._refuse())

    def issue(self, *args: Any, **kwargs: Any) -> Any:
        return self._refuse()

    def read(self, token: str, now: datetime) -> SessionClaims | None:
        return self._refuse()

    def refresh(self, claims: SessionClaims, now: datetime) -> IssuedSession | None:
        return self._refuse()
