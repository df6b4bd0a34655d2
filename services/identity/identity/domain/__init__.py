"""Identity's aggregates: pure, no I/O, no clock, no randomness inside ``@event`` bodies.

Every personal value (identifier, civil status, contacts, password hash, connection source, sealed
payloads) is a :class:`PersonalData` of the account, so erasing the account's key shreds them all
while the history still replays. Times, hashes, sealed blobs and ids are computed by the journeys
and handed to the ``@event`` methods, whose bodies run again on every replay.

- ``account``: :class:`Account` ("Mon Compte": identifier, civil status, contacts, password,
  history);
- ``indexes``: :class:`IdentifierIndex`, :class:`CivilStatusIndex` (uniqueness, lookups);
- ``code_flow``: :class:`CodeFlow` (registration, password reset, identifier recovery);
- ``login_records``: :class:`RevokedSession`, :class:`UnattributedLoginFailure`,
  :class:`RefusedLoginAttempt`;
- ``enumeration_records``: :class:`AccountExistsAnswer` (answers that reveal an account);
- ``agent_lookups``: :class:`AgentLookups` (an agent's look-ups of a day, SPEC §19);
- ``session_cutoff``: :class:`SessionsCutoff` (« se déconnecter de tous les appareils »);
- ``session_revocation``: :class:`SessionRevocations` (sessions end when the credential changes);
- ``franceconnect``: :class:`AuthorizationRequest`, :class:`FranceConnectLink`,
  :class:`PendingLink`, :class:`FranceConnectSession`.

Importing this package pins the topics these classes were stored under before they lived here
(:mod:`.pinned_topics`).
"""

from __future__ import annotations

from .account import Account, NotProvisionalError
from .agent_lookups import AgentLookups
from .code_flow import CodeCheck, CodeEntry, CodeFlow
from .enumeration_records import AccountExistsAnswer
from .franceconnect import (
    AuthorizationRequest,
    FranceConnectLink,
    FranceConnectSession,
    PendingLink,
    record_id,
)
from .indexes import CivilStatusIndex, IdentifierIndex
from .login_records import RefusedLoginAttempt, RevokedSession, UnattributedLoginFailure
from .pinned_topics import pin_stored_topics
from .session_cutoff import SessionsCutoff
from .session_revocation import SessionRevocations

pin_stored_topics()

__all__ = [
    "Account",
    "AccountExistsAnswer",
    "AgentLookups",
    "AuthorizationRequest",
    "CivilStatusIndex",
    "CodeCheck",
    "CodeEntry",
    "CodeFlow",
    "FranceConnectLink",
    "FranceConnectSession",
    "IdentifierIndex",
    "NotProvisionalError",
    "PendingLink",
    "RefusedLoginAttempt",
    "RevokedSession",
    "SessionRevocations",
    "SessionsCutoff",
    "UnattributedLoginFailure",
    "record_id",
]
