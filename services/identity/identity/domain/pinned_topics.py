"""Where each aggregate of identity was stored before ``identity/domain/`` (topics are
contracts: see ``shared/runtime/topics.py`` and ``tests/stored_events``).

Never remove a line: stores, backups and the audit hold events under these names forever.
"""

from __future__ import annotations

from shared.runtime.topics import pin_topics

from .account import Account
from .code_flow import JOURNEY_OF_OLD_CLASS, CodeFlow
from .enumeration_records import AccountExistsAnswer
from .franceconnect import (
    AuthorizationRequest,
    FranceConnectLink,
    FranceConnectSession,
    PendingLink,
)
from .indexes import CivilStatusIndex, IdentifierIndex
from .login_records import RefusedLoginAttempt, RevokedSession, UnattributedLoginFailure
from .session_cutoff import SessionsCutoff
from .session_revocation import SessionRevocations

#: old "module:Class" -> the class that reads it now
PINNED: dict[str, type] = {
    "identity.domain:Account": Account,
    "identity.indexes:IdentifierIndex": IdentifierIndex,
    "identity.indexes:CivilStatusIndex": CivilStatusIndex,
    "identity.login_records:RevokedSession": RevokedSession,
    "identity.login_records:UnattributedLoginFailure": UnattributedLoginFailure,
    "identity.login_records:RefusedLoginAttempt": RefusedLoginAttempt,
    "identity.code_flow:CodeFlow": CodeFlow,
    # three classes merged into one: CodeFlow.Started.upcast_v1_v2 names the journey
    **dict.fromkeys(JOURNEY_OF_OLD_CLASS, CodeFlow),
    "identity.franceconnect.records:AuthorizationRequest": AuthorizationRequest,
    "identity.franceconnect.records:FranceConnectLink": FranceConnectLink,
    "identity.franceconnect.records:PendingLink": PendingLink,
    "identity.franceconnect.records:FranceConnectSession": FranceConnectSession,
    "identity.session_lifecycle:SessionsCutoff": SessionsCutoff,
    "identity.enumeration_records:AccountExistsAnswer": AccountExistsAnswer,
    "identity.session_revocation:SessionRevocations": SessionRevocations,
}


def pin_stored_topics() -> None:
    for old_topic, cls in PINNED.items():
        pin_topics(old_topic, cls)
