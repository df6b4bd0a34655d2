"""What logins leave behind outside accounts: revoked sessions, failures of unknown identifiers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event


class RevokedSession(Aggregate):
    """A session token revoked at logout; id: the token's ``jti``. verify_session refuses it."""

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    @event("Revoked")
    def __init__(self, *, account_id: uuid.UUID, at: datetime, expires_at: datetime):
        self.account_id = account_id
        self.revoked_at = at
        self.expires_at = expires_at


class UnattributedLoginFailure(Aggregate):
    """A failed login for an identifier with no account: published as LoginFailed like any
    other (consumers cannot tell), kept apart from accounts.
    """

    @event("Recorded")
    def __init__(self, *, identifier_key: str, reason: str, source_key: Any, at: datetime):
        # source_key: the source's pseudonym under a month key (PersonalData), plain before
        self.identifier_key = identifier_key
        self.reason = reason
        self.source_key = source_key
        self.at = at


class RefusedLoginAttempt(Aggregate):
    """An attempt on an existing account refused before any password check (captcha missing,
    frozen, throttled source). Kept apart from the account: a storm of refused attempts must
    never contend on the account's aggregate (nor fail on it, which would reveal that the
    account exists). Published as LoginFailed with the account id; "Mon historique" lists the
    attempts whose password was checked.
    """

    @event("Recorded")
    def __init__(
        self,
        *,
        account_id: uuid.UUID,
        identifier_key: str,
        reason: str,
        source_key: Any,  # as in UnattributedLoginFailure
        at: datetime,
        reservation_id: str | None = None,  # password_reset_required: the check it settles
    ):
        self.reservation_id = reservation_id
        self.account_id = account_id
        self.identifier_key = identifier_key
        self.reason = reason
        self.source_key = source_key
        self.at = at
