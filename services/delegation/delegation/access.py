"""From the current state to an authorization answer: who asks, about whom, for what.

>>> answer(account, file, None, target_account_id=None, action="view_history")  # doctest: +SKIP
Answer(allowed=True, reason='own_account', profile='allocataire')
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .catalogue import ACTIONS, Decision, Profile, Relation, Request, decide
from .directory import AccountRecord
from .domain import HouseholdFile


@dataclass(frozen=True)
class Answer:
    allowed: bool
    reason: str
    profile: str | None  # the catalogue column the asker falls in; None when unknown

    def as_dict(self) -> dict[str, object]:
        return {"allowed": self.allowed, "reason": self.reason, "profile": self.profile}


def profile_of(account: AccountRecord, file: HouseholdFile | None) -> Profile:
    """The catalogue column of an account, from its identifier and its place in a file."""
    if account.provisional:
        return Profile.PROVISIONAL
    member = file.members.get(account.nir_key or "") if file else None
    if file is None or member is None:
        return Profile.UNAFFILIATED
    if member.role == "allocataire":
        return Profile.ALLOCATAIRE
    if member.role == "co_allocataire":
        return Profile.CO_ALLOCATAIRE
    if member.role == "conjoint":
        return Profile.DELEGATED_SPOUSE if file.delegation_granted else Profile.SPOUSE
    return Profile.MEMBER


def relation_of(
    account: AccountRecord,
    file: HouseholdFile | None,
    target_account_id: uuid.UUID | None,
    target: AccountRecord | None,
) -> Relation | Decision | None:
    """``self``/``other`` (a member of the same file), None without target, or a refusal."""
    if target_account_id is None:
        return None
    if target_account_id == account.account_id:
        return "self"
    if target is None:
        return Decision(False, "unknown_target")
    if file is None or target.nir_key is None or target.nir_key not in file.members:
        return Decision(False, "target_not_in_household")
    return "other"


def answer(
    account: AccountRecord | None,
    file: HouseholdFile | None,
    target: AccountRecord | None,
    *,
    target_account_id: uuid.UUID | None,
    action: str,
    benefit: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
) -> Answer:
    """The answer to ``authorize``: an unknown asker, action, target or a missing qualifier is
    a refusal with its reason, never an error."""
    if account is None:
        return Answer(False, "unknown_account", None)
    profile = profile_of(account, file)
    if action not in ACTIONS:
        return Answer(False, "unknown_action", profile.value)
    relation = relation_of(account, file, target_account_id, target)
    if isinstance(relation, Decision):
        return Answer(relation.allowed, relation.reason, profile.value)
    request = Request(action, target=relation, benefit=benefit, channel=channel, kind=kind)
    decision = decide(profile, request)
    return Answer(decision.allowed, decision.reason, profile.value)
