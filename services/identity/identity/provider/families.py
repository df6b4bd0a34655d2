"""The tokens a client holds for one login: a :class:`TokenFamily` (issue #34, spec §18).

One family per redeemed authorization code (its id is derived from the code's digest, so a code
starts one family at most, on any replica). Every access token issued from it carries its id
(the ``fid`` claim); a client whose record allows refresh tokens also holds the family's one
live refresh token. Pure aggregate: no I/O, no clock, no randomness inside ``@event`` bodies.

- rotation: each use of the live refresh token replaces it (``Rotated``), the previous one is
  kept as a digest among ``spent``;
- reuse: a spent refresh token presented again (``ReuseDetected``) ends the family: every token
  of it, refresh and access, is refused from then on (RFC 9700 §4.14.2);
- ``Ended``: revoked by the client (RFC 7009), or found dead because its portal session ended.

Only SHA-256 digests of refresh tokens are kept, never a token.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

FAMILY_NAMESPACE = uuid.UUID("3f0d6c2a-81e4-4b9b-a7c5-2e6d90b1f4a8")
LOGINS_NAMESPACE = uuid.UUID("b5a2e9d4-6c1f-4e37-9a08-d3c7f1e2a690")
#: « Mon historique » shows this many application logins at most (the account's own history is
#: bounded the same way).
LOGINS_KEPT = 50


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenFamily(Aggregate):
    """The tokens issued to one client from one authorization code, and their refreshes."""

    id: uuid.UUID  # given by the caller: id_for(code digest)

    @staticmethod
    def id_for(code_digest: str) -> uuid.UUID:
        return uuid.uuid5(FAMILY_NAMESPACE, code_digest)

    @event("Started")
    def __init__(
        self,
        *,
        client_id: str,
        grant_id: uuid.UUID,
        subject: str,
        scopes: list[str],
        session: dict[str, Any],
        refresh_digest: str | None,
        at: datetime,
        expires_at: datetime | None,
    ) -> None:
        self.client_id = client_id
        self.grant_id = grant_id
        self.subject = subject
        self.scopes = list(scopes)
        self.session = dict(session)  # the portal session (sid): identity's session record
        self.refresh_digest = refresh_digest
        self.spent: list[str] = []
        self.started_at = at
        self.expires_at = expires_at  # of its refresh tokens (None: no refresh token)
        self.rotations = 0
        self.ended_at: datetime | None = None
        self.end_reason: str | None = None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def presented(self, digest: str) -> str:
        """What a refresh token of this family is: ``live``, ``spent`` (reuse) or ``unknown``."""
        if self.refresh_digest is not None and digest == self.refresh_digest:
            return "live"
        return "spent" if digest in self.spent else "unknown"

    @event("Rotated")
    def rotate(self, new_digest: str, at: datetime) -> None:
        if self.refresh_digest is not None:
            self.spent.append(self.refresh_digest)
        self.refresh_digest = new_digest
        self.rotations += 1

    @property
    def account_id(self) -> str:
        return str(self.session["account_id"])

    def reuse_detected(self, at: datetime) -> None:
        """A spent refresh token came back: someone else holds a copy. The family ends."""
        self._reuse_detected(account_id=self.account_id, client_id=self.client_id, at=at)

    @event("ReuseDetected")
    def _reuse_detected(self, account_id: str, client_id: str, at: datetime) -> None:
        self.ended_at = at
        self.end_reason = "reuse"

    def end(self, reason: str, at: datetime) -> None:
        """``revoked`` (RFC 7009, by its client) or ``session_ended``."""
        self._ended(account_id=self.account_id, client_id=self.client_id, reason=reason, at=at)

    @event("Ended")
    def _ended(self, account_id: str, client_id: str, reason: str, at: datetime) -> None:
        self.ended_at = at
        self.end_reason = reason


class ApplicationLogins(Aggregate):
    """The applications a person logged in to through Caf connect, newest last (« Mon
    historique » says which: issue #34). One per account; ids and times only."""

    id: uuid.UUID  # given by the caller: id_for(account_id)

    @staticmethod
    def id_for(account_id: str) -> uuid.UUID:
        return uuid.uuid5(LOGINS_NAMESPACE, str(account_id))

    @event("Opened")
    def __init__(self, *, account_id: str) -> None:
        self.account_id = account_id
        self.logins: list[dict[str, Any]] = []

    @event("LoggedIn")
    def logged_in(self, client_id: str, family_id: str, at: datetime) -> None:
        self.logins = [*self.logins, {"client_id": client_id, "family_id": family_id, "at": at}]
        self.logins = self.logins[-LOGINS_KEPT:]
