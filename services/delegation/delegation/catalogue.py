"""The authorization catalogue (SPEC §14): which profile may do which action, and why.

Pure policy: the application works out who is asking (a :class:`Profile`) and how the target
relates to them; :func:`decide` reads the table. Every answer carries a stable reason code.

>>> decide(Profile.SPOUSE, Request("contact_caf", channel="phone")).reason
'spouse_permitted'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Profile(StrEnum):
    """Who is asking, as the catalogue's columns see them."""

    ALLOCATAIRE = "allocataire"
    CO_ALLOCATAIRE = "co_allocataire"
    DELEGATED_SPOUSE = "delegated_spouse"  # conjoint holding the delegation
    SPOUSE = "spouse"  # conjoint without delegation
    MEMBER = "member"  # enfant, autre
    PROVISIONAL = "provisional"  # provisional identifier, no NIR yet
    UNAFFILIATED = "unaffiliated"  # NIR account in no registered household file


FULL = frozenset({Profile.ALLOCATAIRE, Profile.CO_ALLOCATAIRE, Profile.DELEGATED_SPOUSE})
NO_FILE = frozenset({Profile.PROVISIONAL, Profile.UNAFFILIATED})
EVERYONE = frozenset(Profile)
NOBODY: frozenset[Profile] = frozenset()

#: The special benefits a spouse without delegation may still request.
SPOUSE_BENEFITS = ("AAH", "AJPA", "BAFA", "PALA")
#: The ways to contact the Caf; a spouse without delegation may not send e-mail.
CONTACT_CHANNELS = ("phone", "reception", "email")

Relation = Literal["self", "other"]


@dataclass(frozen=True)
class Rule:
    """One row of the table: who may, and the reason given when allowed to all of them."""

    allowed: frozenset[Profile]
    reason: str | None = None  # None: the reason follows the asking profile
    refusal: str | None = None  # None: the refusal reason follows the asking profile


#: (action, case) -> rule. The case is "" for actions without qualifier.
TABLE: dict[tuple[str, str], Rule] = {
    ("view_payments_and_rights", ""): Rule(FULL),
    ("download_attestation", ""): Rule(FULL),
    ("track_procedures", ""): Rule(FULL | NO_FILE),
    ("view_mail", ""): Rule(FULL),
    ("view_agenda", ""): Rule(FULL),
    ("view_member_personal_info", "self"): Rule(EVERYONE, reason="own_data"),
    ("view_member_personal_info", "other"): Rule(FULL),
    ("view_resources", "self"): Rule(EVERYONE, reason="own_data"),
    ("view_resources", "other"): Rule(FULL),
    ("view_member_contacts", "self"): Rule(EVERYONE, reason="own_data"),
    ("view_member_contacts", "other"): Rule(NOBODY, refusal="other_members_contacts"),
    ("declare_change", "separation"): Rule(FULL | {Profile.SPOUSE}),
    ("declare_change", "other"): Rule(FULL),
    ("request_benefit", "spouse_benefit"): Rule(FULL | {Profile.SPOUSE}),
    ("request_benefit", "other"): Rule(FULL),
    ("simulate_benefit", ""): Rule(EVERYONE, reason="open_to_all"),
    ("contact_caf", "phone_or_reception"): Rule(FULL | {Profile.SPOUSE}),
    ("contact_caf", "email"): Rule(FULL),
    ("change_own_password", ""): Rule(EVERYONE, reason="own_account"),
    ("change_own_contacts", ""): Rule(EVERYONE, reason="own_account"),
    ("view_history", ""): Rule(EVERYONE, reason="own_account"),
    ("manage_authorizations", ""): Rule(
        frozenset({Profile.ALLOCATAIRE, Profile.CO_ALLOCATAIRE}), refusal="allocataire_only"
    ),
}

ACTIONS = tuple(dict.fromkeys(action for action, _ in TABLE))
#: Actions about a household member, named by ``target_account_id`` (required).
MEMBER_ACTIONS = ("view_member_personal_info", "view_member_contacts", "view_resources")
#: Actions on one's own account: a target other than oneself is refused.
OWN_ACCOUNT_ACTIONS = ("change_own_password", "change_own_contacts", "view_history")

_ALLOWED_BECAUSE = {
    Profile.ALLOCATAIRE: "full_rights",
    Profile.CO_ALLOCATAIRE: "full_rights",
    Profile.DELEGATED_SPOUSE: "full_rights",
    Profile.SPOUSE: "spouse_permitted",
    Profile.MEMBER: "member_permitted",
    Profile.PROVISIONAL: "own_procedures",
    Profile.UNAFFILIATED: "own_procedures",
}
_REFUSED_BECAUSE = {
    Profile.ALLOCATAIRE: "not_permitted",
    Profile.CO_ALLOCATAIRE: "not_permitted",
    Profile.DELEGATED_SPOUSE: "not_permitted",
    Profile.SPOUSE: "delegation_required",
    Profile.MEMBER: "member_restricted",
    Profile.PROVISIONAL: "no_affiliated_file",
    Profile.UNAFFILIATED: "no_affiliated_file",
}


@dataclass(frozen=True)
class Request:
    """What the gateway asks; ``target`` is how the target account relates to the asker."""

    action: str
    target: Relation | None = None
    benefit: str | None = None
    channel: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def refused(reason: str) -> Decision:
    return Decision(False, reason)


def case_of(request: Request) -> str | Decision:
    """The table case of a request, or the refusal for an unknown action or missing qualifier."""
    action = request.action
    if action not in ACTIONS:
        return refused("unknown_action")
    if action in MEMBER_ACTIONS:
        return request.target or refused("missing_target")
    if action in OWN_ACCOUNT_ACTIONS and request.target == "other":
        return refused("not_own_account")
    if action == "declare_change":
        kind = (request.kind or "").strip().lower()
        if not kind:
            return refused("missing_kind")
        return "separation" if kind == "separation" else "other"
    if action == "request_benefit":
        benefit = (request.benefit or "").strip().upper()
        if not benefit:
            return refused("missing_benefit")
        return "spouse_benefit" if benefit in SPOUSE_BENEFITS else "other"
    if action == "contact_caf":
        channel = (request.channel or "").strip().lower()
        if not channel:
            return refused("missing_channel")
        if channel not in CONTACT_CHANNELS:
            return refused("unknown_channel")
        return "email" if channel == "email" else "phone_or_reception"
    return ""


def decide(profile: Profile, request: Request) -> Decision:
    """Reads the table for this profile and request.

    >>> decide(Profile.MEMBER, Request("view_member_contacts", target="self"))
    Decision(allowed=True, reason='own_data')
    """
    case = case_of(request)
    if isinstance(case, Decision):
        return case
    rule = TABLE[(request.action, case)]
    if profile in rule.allowed:
        return Decision(True, rule.reason or _ALLOWED_BECAUSE[profile])
    return refused(rule.refusal or _REFUSED_BECAUSE[profile])
