"""SPEC §14 "The authorization catalogue", transcribed row by row (the test oracle).

Each row: action, qualifiers, then the four columns Full / Spouse / Member / Provisional.
"self"/"other" in the qualifiers means target_account_id is the asker / another member.
"""

from __future__ import annotations

from typing import Any

Y, N = True, False
ALLOCATAIRES_ONLY = "allocataire / co-allocataire only"

SPEC_ROWS: list[tuple[str, dict[str, Any], Any, bool, bool, bool]] = [
    ("view_payments_and_rights", {}, Y, N, N, N),
    ("download_attestation", {}, Y, N, N, N),
    ("track_procedures", {}, Y, N, N, Y),
    ("view_mail", {}, Y, N, N, N),
    ("view_agenda", {}, Y, N, N, N),
    ("view_member_personal_info", {"target": "self"}, Y, Y, Y, Y),
    ("view_member_personal_info", {"target": "other"}, Y, N, N, N),
    ("view_member_contacts", {"target": "self"}, Y, Y, Y, Y),
    ("view_member_contacts", {"target": "other"}, N, N, N, N),
    ("declare_change", {"kind": "separation"}, Y, Y, N, N),
    ("declare_change", {"kind": "address"}, Y, N, N, N),
    ("declare_change", {"kind": "professional_situation"}, Y, N, N, N),
    ("request_benefit", {"benefit": "AAH"}, Y, Y, N, N),
    ("request_benefit", {"benefit": "AJPA"}, Y, Y, N, N),
    ("request_benefit", {"benefit": "BAFA"}, Y, Y, N, N),
    ("request_benefit", {"benefit": "PALA"}, Y, Y, N, N),
    ("request_benefit", {"benefit": "RSA"}, Y, N, N, N),
    ("request_benefit", {"benefit": "PAJE"}, Y, N, N, N),
    ("simulate_benefit", {}, Y, Y, Y, Y),
    ("contact_caf", {"channel": "phone"}, Y, Y, N, N),
    ("contact_caf", {"channel": "reception"}, Y, Y, N, N),
    ("contact_caf", {"channel": "email"}, Y, N, N, N),
    ("change_own_password", {}, Y, Y, Y, Y),
    ("change_own_contacts", {}, Y, Y, Y, Y),
    ("view_history", {}, Y, Y, Y, Y),
    ("manage_authorizations", {}, ALLOCATAIRES_ONLY, N, N, N),
]

#: The roles a test household holds, each with the column it falls in (delegation off / on).
ROLE_COLUMNS = {
    "allocataire": ("full", "full"),
    "co_allocataire": ("full", "full"),
    "conjoint": ("spouse", "full"),
    "enfant": ("member", "member"),
    "autre": ("member", "member"),
    "provisional": ("provisional", "provisional"),
}


def expected(
    row: tuple[str, dict[str, Any], Any, bool, bool, bool], role: str, delegation: bool
) -> bool:
    """What the spec table says for this role (and delegation state)."""
    _, _, full, spouse, member, provisional = row
    column = ROLE_COLUMNS[role][delegation]
    if column == "full":
        if full == ALLOCATAIRES_ONLY:
            return role in ("allocataire", "co_allocataire")
        return bool(full)
    return {"spouse": spouse, "member": member, "provisional": provisional}[column]


def row_id(row: tuple[str, dict[str, Any], Any, bool, bool, bool]) -> str:
    action, qualifiers = row[0], row[1]
    return action + "".join(f"[{k}={v}]" for k, v in qualifiers.items())
