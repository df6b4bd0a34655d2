"""What the RPC methods answer, built from the current state (no I/O, no decisions)."""

from __future__ import annotations

from typing import Any

from .composition import ROLES
from .domain import HouseholdFile, Member
from .wording import banner, display_name, prompt_question


def name_of(member: Member | None) -> str | None:
    """ "Prénom NOM" of a member; None when absent or their names were erased."""
    if member is None:
        return None
    return display_name(getattr(member.names, "value", None))


def household_view(dossier_number: str, file: HouseholdFile | None) -> dict[str, Any]:
    if file is None:
        return {"dossier_number": dossier_number, "found": False, "members": []}
    members = sorted(file.members.values(), key=lambda m: ROLES.index(m.role))
    return {
        "dossier_number": dossier_number,
        "found": True,
        "members": [
            {"role": m.role, "display_name": name_of(m), "has_account": m.account_id is not None}
            for m in members
        ],
        "delegation_granted": file.delegation_granted,
        "separation_declared": file.separation_declared,
    }


def agent_household_view(
    file: HouseholdFile | None, nir_key: str, identifier_display: str
) -> dict[str, Any]:
    """The agents' console's view: the dossier's number and the other members' NIRs are kept
    as pseudonyms only (``None``); the delegation's state: granted, refused (the allocataire
    said no, or revoked it), or not asked."""
    if file is None:
        return {"found": False}
    members = sorted(file.members.values(), key=lambda m: ROLES.index(m.role))
    if file.delegation_granted:
        state = "granted"
    elif file.prompt_answered_for is not None:
        state = "refused"
    else:
        state = "not_asked"
    return {
        "found": True,
        "dossier_number": None,
        "members": [
            {
                "role": m.role,
                "name": name_of(m),
                "is_person": m.nir_key == nir_key,
                "has_account": m.account_id is not None,
                "identifier_display": identifier_display if m.nir_key == nir_key else None,
            }
            for m in members
        ],
        "delegation": {"state": state, "since": None},
        "separation_declared": file.separation_declared,
    }


def prompt_view(file: HouseholdFile | None, nir_key: str | None, reason: str) -> dict[str, Any]:
    """``ask`` only for the allocataire with a pending question; ``reason`` says why not."""
    if file is None or nir_key is None:
        return {"ask": False, "spouse_display_name": None, "question": None, "reason": reason}
    ask = file.prompt_pending_for(nir_key)
    is_allocataire = file.allocataire is not None and file.allocataire.nir_key == nir_key
    spouse_name = name_of(file.spouse) if is_allocataire else None
    if ask:
        reason = "pending"
    elif not is_allocataire:
        reason = "not_allocataire"
    elif file.spouse is None:
        reason = "no_spouse"
    elif file.separation_declared:
        reason = "separation_declared"
    else:
        reason = "answered"
    return {
        "ask": ask,
        "spouse_display_name": spouse_name,
        "question": prompt_question(spouse_name) if ask and spouse_name else None,
        "reason": reason,
    }


def status_view(file: HouseholdFile | None, nir_key: str | None) -> dict[str, Any]:
    """The delegation as the asker sees it: the allocataire gets the banner while it holds;
    the spouse sees whether they hold it, and the allocataire's name."""
    member = file.members.get(nir_key) if file and nir_key else None
    if file is None or member is None:
        return {"granted": False, "spouse_display_name": None, "banner": None, "role": None}
    granted = file.delegation_granted
    if member.role == "allocataire":
        spouse = file.spouse or file.member_with_role("co_allocataire")
        spouse_name = name_of(spouse)
        shown = banner(spouse_name) if granted and spouse_name else None
        return {
            "granted": granted,
            "spouse_display_name": spouse_name,
            "banner": shown,
            "role": member.role,
        }
    if member.role in ("conjoint", "co_allocataire"):
        return {
            "granted": granted and member.role == "conjoint",
            "spouse_display_name": name_of(file.allocataire),
            "banner": None,
            "role": member.role,
        }
    return {"granted": False, "spouse_display_name": None, "banner": None, "role": member.role}


def granted_and_banner(file: HouseholdFile, nir_key: str) -> dict[str, Any]:
    status = status_view(file, nir_key)
    return {"granted": status["granted"], "banner": status["banner"]}
