"""The provider's journey: what the gateway's authorization server asks identity (spec §18).

- ``authorize``: given the portal session and the checked request, issues a code, or says what
  is missing first (a login, a newer login for ``max_age``, a stronger one for ``acr_values``, the
  person's consent);
- ``redeem``: the token endpoint's one-time use of a code (single use on every replica);
- ``userinfo``: the claims of the scopes an access token carries.

The gateway checks the client (registry, redirect URI, PKCE S256, allowed scopes) before it asks;
identity checks the session, the time and the single use, which need its store.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.runtime.clock import Clock
from shared.runtime.eventstore import Decided

from ..domain import Account
from ..journeys.sessions import Sessions
from ..sessions import SessionClaims
from ..store import IdentityStore
from .claims import Subjects, acr_of, amr_of
from .records import AuthorizationCode, ClientAssertion, ClientGrant

#: RFC 6749 §4.1.2 recommends 10 minutes at most; a code is redeemed within seconds.
CODE_LIFETIME = timedelta(seconds=60)


@dataclass
class Provider:
    store: IdentityStore
    clock: Clock
    sessions: Sessions
    subjects: Subjects

    def authorize(self, token: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """``{"outcome": "code", "code": …}``, or ``login_required`` (``reason``: ``no_session``,
        ``max_age``, ``acr``) or ``consent_required`` (``scopes``: those not yet allowed)."""
        now = self.clock.now()
        claims = self.sessions.tokens.read(token, now) if token else None
        if claims is None or self.sessions.is_revoked(claims):
            return {"outcome": "login_required", "reason": "no_session"}
        max_age = request.get("max_age")
        if max_age is not None and (now - claims.auth_time).total_seconds() > max_age:
            return {"outcome": "login_required", "reason": "max_age"}
        acr_values = request.get("acr_values") or []
        if acr_values and acr_of(claims.auth_method) not in acr_values:
            return {"outcome": "login_required", "reason": "acr"}
        subject = self.subjects.of(claims.account_id, request["sector"])
        decided: dict[str, Any] = self.store.save_with_retry(
            lambda: self._decide(claims, subject, request, now)
        )
        return decided

    def _decide(
        self, claims: SessionClaims, subject: str, request: dict[str, Any], now: datetime
    ) -> Decided[dict[str, Any]]:
        client_id, scopes = request["client_id"], request["scopes"]
        grant_id = ClientGrant.id_for(client_id, subject)
        grant: ClientGrant | None = self.store.find(grant_id)
        consent = bool(request.get("consent_given"))
        first_party = bool(request.get("first_party"))
        # prompt=consent asks every client, first party included (OIDC Core §3.1.2.1); without
        # it, a first-party client never asks, any other asks what its grant does not cover
        needed = grant is None or not grant.covers(scopes)
        if not consent and (request.get("prompt_consent") or (needed and not first_party)):
            missing = scopes if grant is None else sorted(set(scopes) - set(grant.scopes))
            return Decided({"outcome": "consent_required", "scopes": missing or scopes})
        if grant is None:
            grant = ClientGrant(  # type: ignore[call-arg]
                client_id=client_id, account_id=claims.account_id, scopes=scopes,
                consented=consent, at=now, id=grant_id,
            )  # fmt: skip
        elif not grant.covers(scopes) or (consent and not grant.consented):
            grant.widen(scopes, consent, now)
        else:
            grant = None  # nothing new to record
        code = secrets.token_urlsafe(32)
        issued = AuthorizationCode(  # type: ignore[call-arg]
            grant_id=grant_id,
            client_id=client_id,
            subject=subject,
            redirect_uri=request["redirect_uri"],
            scopes=scopes,
            nonce=request.get("nonce"),
            code_challenge=request["code_challenge"],
            session=_session_record(claims),
            issued_at=now,
            expires_at=now + CODE_LIFETIME,
            id=AuthorizationCode.id_for(code),
        )
        return Decided({"outcome": "code", "code": code}, grant, issued)

    def redeem(self, code: str, client_id: str) -> dict[str, Any]:
        """The token endpoint's use of a code: ``{"outcome": "redeemed", "grant": {…}}``, or
        ``{"outcome": "invalid_grant", "reason": …}`` (unknown, expired, already redeemed,
        another client's, or its session has ended since)."""
        code_id = AuthorizationCode.id_for(code)
        answer: dict[str, Any] = self.store.save_with_retry(
            lambda: self._redeem(code_id, client_id)
        )
        return answer

    def _redeem(self, code_id: uuid.UUID, client_id: str) -> Decided[dict[str, Any]]:
        now = self.clock.now()
        issued: AuthorizationCode | None = self.store.find(code_id)
        if issued is None:
            return Decided({"outcome": "invalid_grant", "reason": "unknown"})
        refusal = issued.refusal(client_id, now)
        issued.redeem(by=client_id, at=now)  # spent, whoever presented it
        session = _session_claims(issued.session)
        if refusal is None and self.sessions.is_revoked(session):
            refusal = "session_ended"
        if refusal is not None:
            return Decided({"outcome": "invalid_grant", "reason": refusal}, issued)
        grant = {
            "client_id": issued.client_id,
            "sub": issued.subject,
            "redirect_uri": issued.redirect_uri,
            "scopes": issued.scopes,
            "nonce": issued.nonce,
            "code_challenge": issued.code_challenge,
            "code_challenge_method": "S256",
            "sid": session.session_id,
            "auth_time": int(session.auth_time.timestamp()),
            "acr": acr_of(session.auth_method),
            "amr": amr_of(session.auth_method),
        }
        return Decided({"outcome": "redeemed", "grant": grant}, issued)

    def note_assertion(self, client_id: str, jti: str, expires_at: datetime) -> dict[str, Any]:
        """A client's ``private_key_jwt`` assertion, by its ``jti``: ``{"outcome": "new"}`` the
        first time, ``{"outcome": "replayed"}`` after (on any replica, even at once)."""
        assertion_id = ClientAssertion.id_for(client_id, jti)

        def decide() -> Decided[dict[str, Any]]:
            if self.store.find(assertion_id) is not None:
                return Decided({"outcome": "replayed"})
            used = ClientAssertion(  # type: ignore[call-arg]
                client_id=client_id, at=self.clock.now(), expires_at=expires_at, id=assertion_id
            )
            return Decided({"outcome": "new"}, used)

        answer: dict[str, Any] = self.store.save_with_retry(decide)
        return answer

    def userinfo(self, client_id: str, subject: str, scopes: list[str]) -> dict[str, Any]:
        """The claims of ``scopes`` (``profile``: names and birth date; ``nir``: the NIR) for
        the person behind ``subject`` at ``client_id``; ``{"outcome": "unknown"}`` when no grant
        of that client has that subject (or the account has been erased). With ``household``
        allowed, the answer also names the ``account_id``: the household role is delegation's,
        which the gateway asks (``household_role``); the id never reaches the client."""
        grant: ClientGrant | None = self.store.find(ClientGrant.id_for(client_id, subject))
        account: Account | None = self.store.find(grant.account_id) if grant else None
        if grant is None or account is None or account.identifier.erased:
            return {"outcome": "unknown", "claims": {}}
        allowed = set(scopes) & set(grant.scopes)
        claims: dict[str, Any] = {"sub": subject}
        civil = account.civil_status.value
        if "profile" in allowed and isinstance(civil, dict):
            claims["family_name"] = civil.get("birth_name")
            claims["given_name"] = civil.get("first_names")
            if civil.get("birth_date"):
                claims["birthdate"] = civil["birth_date"]
        identifier = account.identifier.value
        if "nir" in allowed and account.identifier_kind == "nir" and isinstance(identifier, str):
            claims["nir"] = identifier
        answer: dict[str, Any] = {"outcome": "ok", "claims": claims}
        if "household" in allowed:  # the gateway asks delegation the role (household_role)
            answer["account_id"] = str(account.id)
        return answer


def _session_record(claims: SessionClaims) -> dict[str, Any]:
    return {
        "account_id": str(claims.account_id),
        "session_id": claims.session_id,
        "identifier_kind": claims.identifier_kind,
        "auth_method": claims.auth_method,
        "auth_time": claims.auth_time.isoformat(),
        "expires_at": claims.expires_at.isoformat(),
        "generation": claims.generation,
    }


def _session_claims(record: dict[str, Any]) -> SessionClaims:
    return SessionClaims(
        account_id=uuid.UUID(record["account_id"]),
        identifier_kind=record["identifier_kind"],
        auth_method=record["auth_method"],
        session_id=record["session_id"],
        expires_at=datetime.fromisoformat(record["expires_at"]).astimezone(UTC),
        auth_time=datetime.fromisoformat(record["auth_time"]).astimezone(UTC),
        generation=int(record["generation"]),
    )
