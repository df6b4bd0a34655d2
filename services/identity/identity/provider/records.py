"""The provider's aggregates: pure, no I/O, no clock, no randomness inside ``@event`` bodies.

- :class:`ClientGrant`, one per (client, subject): the scopes the person allowed that client.
  First-party clients get one without a consent page (``consented=False``). Issue #34 hangs the
  grant's refresh-token families and its revocation here.
- :class:`ClientAssertion`, one per ``jti`` of a client's ``private_key_jwt`` assertion: an
  assertion is accepted once (RFC 7523 §3, item 7), on every replica.
- :class:`AuthorizationCode`, one per code, keyed by the code's SHA-256 (the code itself is never
  stored): bound to its client, redirect URI, PKCE challenge and nonce, and to the portal
  session it came from (``session_id`` is the ID token's ``sid``). Redeemed once: the first
  redemption is an event, so on any replica a second one finds it (or conflicts, and on retry
  finds it) and is refused.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

GRANT_NAMESPACE = uuid.UUID("0c3c8f5e-6f0a-4a55-9e0b-2f4a7c1d9b61")
CODE_NAMESPACE = uuid.UUID("5b7e2d14-93a1-4f0e-8c6d-71e0a4b2c3f9")
ASSERTION_NAMESPACE = uuid.UUID("9a41c6e2-0d5b-4c7f-b3e8-5f2a1d6c8e04")


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class ClientGrant(Aggregate):
    """What one person allowed one client (``subject`` is the person's ``sub`` for it)."""

    id: uuid.UUID  # given by the caller: id_for(client_id, subject)

    @staticmethod
    def id_for(client_id: str, subject: str) -> uuid.UUID:
        return uuid.uuid5(GRANT_NAMESPACE, f"{client_id}|{subject}")

    @event("Granted")
    def __init__(
        self,
        *,
        client_id: str,
        account_id: uuid.UUID,
        scopes: list[str],
        consented: bool,
        at: datetime,
    ) -> None:
        self.client_id = client_id
        self.account_id = account_id
        self.scopes = sorted(scopes)
        self.consented = consented
        self.granted_at = at

    def covers(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scopes)

    def widen(self, scopes: list[str], consented: bool, at: datetime) -> None:
        """More scopes allowed, or a consent given (on the consent page) to a client allowed
        without one so far (a first-party client asked with ``prompt=consent``)."""
        self._widened(
            scopes=scopes, consented=consented, at=at, account_id=str(self.account_id),
            client_id=self.client_id, allowed=sorted(set(self.scopes) | set(scopes)),
            added=sorted(set(scopes) - set(self.scopes)),
        )  # fmt: skip

    @event("Widened")
    def _widened(
        self,
        scopes: list[str],
        consented: bool,
        at: datetime,
        # recorded since it is published (ApplicationAuthorizationWidened); older events lack them
        account_id: str | None = None,
        client_id: str | None = None,
        allowed: list[str] | None = None,
        added: list[str] | None = None,
    ) -> None:
        self.scopes = sorted(set(self.scopes) | set(scopes))
        self.consented = self.consented or consented


class AuthorizationCode(Aggregate):
    """One authorization code (RFC 6749 §4.1.2), single use, short-lived."""

    id: uuid.UUID  # given by the caller: id_for(code)

    @staticmethod
    def id_for(code: str) -> uuid.UUID:
        return uuid.uuid5(CODE_NAMESPACE, code_digest(code))

    @event("Issued")
    def __init__(
        self,
        *,
        grant_id: uuid.UUID,
        client_id: str,
        subject: str,
        redirect_uri: str,
        scopes: list[str],
        nonce: str | None,
        code_challenge: str,
        session: dict[str, Any],
        issued_at: datetime,
        expires_at: datetime,
    ) -> None:
        self.grant_id = grant_id
        self.client_id = client_id
        self.subject = subject
        self.redirect_uri = redirect_uri
        self.scopes = list(scopes)
        self.nonce = nonce
        self.code_challenge = code_challenge
        # the portal session: account_id, session_id (sid), auth_method, auth_time, generation…
        self.session = dict(session)
        self.issued_at = issued_at
        self.expires_at = expires_at
        self.redeemed_at: datetime | None = None

    def refusal(self, client_id: str, at: datetime) -> str | None:
        """Why this code cannot be redeemed by ``client_id`` at ``at`` (None: it can)."""
        if self.redeemed_at is not None:
            return "already_redeemed"
        if at >= self.expires_at:
            return "expired"
        if client_id != self.client_id:
            return "another_client"
        return None

    def redeem(self, *, by: str, at: datetime) -> None:
        """Used: by its client, or presented by another (then spent all the same)."""
        if self.redeemed_at is None:
            self._redeemed(by=by, at=at)
        else:
            self._replayed(by=by, at=at)

    @event("Redeemed")
    def _redeemed(self, by: str, at: datetime) -> None:
        self.redeemed_at = at

    @event("Replayed")
    def _replayed(self, by: str, at: datetime) -> None:
        """Presented again after its redemption (#34 ends the grant's tokens on it)."""


class ClientAssertion(Aggregate):
    """A ``private_key_jwt`` assertion (RFC 7523) a client has used: never accepted again."""

    id: uuid.UUID  # given by the caller: id_for(client_id, jti)

    @staticmethod
    def id_for(client_id: str, jti: str) -> uuid.UUID:
        return uuid.uuid5(ASSERTION_NAMESPACE, f"{client_id}|{jti}")

    @event("Used")
    def __init__(self, *, client_id: str, at: datetime, expires_at: datetime) -> None:
        self.client_id = client_id
        self.used_at = at
        self.expires_at = expires_at
