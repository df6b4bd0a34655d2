"""Sessions end when the credential changes (SPEC §16, §18): a completed password reset, a NIR
assignment, an erasure and an agent's change of the contacts revoke every session of the
account; a password change and the person's own contact change revoke the others (the session
that made the change stays).

Each session token carries the account's *session generation* at issue (claim ``sgen``, 0 when
absent). A revocation moves the generation on: ``verify_session`` refuses a token of an older
generation, except the one session kept. The generation is an aggregate of identity's store,
saved in the same transaction as the change that causes it, and every replica reads the store's
newer events on each ``verify_session``: a revocation holds on every replica at once.

>>> revocations = SessionRevocations(account_id=uuid.UUID(int=1))
>>> revocations.revoke(at=now, cause="password_change", keep="jti-1")   # doctest: +SKIP
>>> revocations.revokes(0, "jti-2"), revocations.revokes(0, "jti-1")   # doctest: +SKIP
(True, False)
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from eventsourcing.domain import Aggregate, event

REVOCATION_NAMESPACE = uuid.UUID("0c8e5d2a-7f41-4b9e-a3c6-51d7e9f20b84")

Cause = Literal["password_reset", "password_change", "contact_change", "nir_assigned", "erasure"]


class SessionRevocations(Aggregate):
    """The session generation of one account, and the session kept by the last revocation."""

    @staticmethod
    def create_id(account_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(REVOCATION_NAMESPACE, str(account_id))

    @event("Opened")
    def __init__(self, *, account_id: uuid.UUID) -> None:
        self.account_id = account_id
        self.generation = 0
        self.kept_session_id: str | None = None

    def revoke(self, *, at: datetime, cause: Cause, keep: str | None = None) -> None:
        """Ends every session issued so far, but ``keep`` (a session id, the ``jti``)."""
        self._revoked(at=at, cause=cause, kept_session_id=keep)

    def revokes(self, generation: int, session_id: str) -> bool:
        """Whether a session of ``generation`` with this id is over."""
        return generation < self.generation and session_id != self.kept_session_id

    @event("Revoked")
    def _revoked(self, at: datetime, cause: str, kept_session_id: str | None) -> None:
        self.generation += 1
        self.kept_session_id = kept_session_id
        self.revoked_at = at  # the agents' console counts the sessions opened since
