"""What the store keeps of FranceConnect (pure aggregates: times and hashes come from outside).

No state, nonce, link token or FranceConnect ``sub`` is stored in clear: state, nonce and link
tokens as SHA-256 digests (they are 256-bit random values), the ``sub`` as a keyed pseudonym
(kind ``franceconnect``). The ID token kept for the logout's ``id_token_hint`` is personal data
of the account (encrypted under its key, shredded with it).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

from shared.runtime.personal_data import PersonalData

_NAMESPACE = uuid.UUID("0b7f7b52-6a0e-4e0b-9d0c-5f3c6f7e2a11")


def record_id(kind: str, digest_or_key: str) -> uuid.UUID:
    """The id of a record found by a digest or a pseudonym (``record_id("state", digest)``)."""
    return uuid.uuid5(_NAMESPACE, f"franceconnect-{kind}:{digest_or_key}")


class AuthorizationRequest(Aggregate):
    """One trip to FranceConnect: its state and nonce, single use, expiring."""

    id: uuid.UUID  # record_id("state", digest(state))

    @event("Requested")
    def __init__(
        self, *, nonce_hash: str, redirect_uri: str, requested_at: datetime, expires_at: datetime
    ):
        self.nonce_hash = nonce_hash
        self.redirect_uri = redirect_uri
        self.requested_at = requested_at
        self.expires_at = expires_at
        self.used_at: datetime | None = None

    @event("Used")
    def use(self, *, at: datetime) -> None:
        self.used_at = at


class FranceConnectLink(Aggregate):
    """A FranceConnect identity (its ``sub``) linked to an account. One per sub: a second link
    of the same sub conflicts on version 1 (optimistic concurrency), even across replicas."""

    id: uuid.UUID  # record_id("link", sub_key)

    @event("Linked")
    def __init__(self, *, account_id: uuid.UUID, sub_key: str, via: str, at: datetime):
        self.account_id = account_id
        self.sub_key = sub_key
        self.via = via  # civil_status | password_login
        self.linked_at = at


class PendingLink(Aggregate):
    """A FranceConnect identity that matched no account: the next password login that presents
    its token links it (single use, expiring)."""

    id: uuid.UUID  # record_id("pending", digest(link_token))

    @event("Created")
    def __init__(
        self, *, sub_key: str, birthdate: PersonalData, created_at: datetime, expires_at: datetime
    ):
        self.sub_key = sub_key
        self.birthdate = birthdate
        self.expires_at = expires_at
        self.used_at: datetime | None = None

    @event("Used")
    def use(self, *, account_id: uuid.UUID, at: datetime) -> None:
        self.used_at = at


class FranceConnectSession(Aggregate):
    """A session opened through FranceConnect, with the ID token its logout needs."""

    id: uuid.UUID  # record_id("session", session_id)

    @event("Opened")
    def __init__(self, *, account_id: uuid.UUID, id_token: PersonalData, at: datetime):
        self.account_id = account_id
        self.id_token = id_token
        self.ended_at: datetime | None = None

    @event("Ended")
    def end(self, *, at: datetime) -> None:
        self.ended_at = at
