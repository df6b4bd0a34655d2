"""The pure policy against the spec table, column by column, plus its refusals."""

from __future__ import annotations

import pytest
from delegation.catalogue import ACTIONS, TABLE, Profile, Request, decide
from delegation_spec_table import SPEC_ROWS, expected, row_id

PROFILES_BY_ROLE = {
    ("allocataire", False): Profile.ALLOCATAIRE,
    ("allocataire", True): Profile.ALLOCATAIRE,
    ("co_allocataire", False): Profile.CO_ALLOCATAIRE,
    ("co_allocataire", True): Profile.CO_ALLOCATAIRE,
    ("conjoint", False): Profile.SPOUSE,
    ("conjoint", True): Profile.DELEGATED_SPOUSE,
    ("enfant", False): Profile.MEMBER,
    ("enfant", True): Profile.MEMBER,
    ("provisional", False): Profile.PROVISIONAL,
    ("provisional", True): Profile.PROVISIONAL,
}


def request_for(row) -> Request:
    action, qualifiers = row[0], dict(row[1])
    return Request(action, **qualifiers)


@pytest.mark.parametrize("row", SPEC_ROWS, ids=row_id)
@pytest.mark.parametrize("role_delegation", PROFILES_BY_ROLE, ids=lambda rd: f"{rd[0]}-{rd[1]}")
def test_every_row_for_every_profile(row, role_delegation):
    role, delegation = role_delegation
    decision = decide(PROFILES_BY_ROLE[role_delegation], request_for(row))
    assert decision.allowed is expected(row, role, delegation)


def test_a_nir_account_without_file_follows_the_provisional_column():
    for row in SPEC_ROWS:
        unaffiliated = decide(Profile.UNAFFILIATED, request_for(row))
        assert unaffiliated == decide(Profile.PROVISIONAL, request_for(row))


def test_every_action_of_the_catalogue_is_in_the_spec_table_or_documented_extra():
    assert set(ACTIONS) - {row[0] for row in SPEC_ROWS} == {"view_resources"}
    assert len(TABLE) >= 20


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (Request("delete_everything"), "unknown_action"),
        (Request("view_member_contacts"), "missing_target"),
        (Request("declare_change"), "missing_kind"),
        (Request("declare_change", kind="  "), "missing_kind"),
        (Request("request_benefit"), "missing_benefit"),
        (Request("contact_caf"), "missing_channel"),
        (Request("contact_caf", channel="pigeon"), "unknown_channel"),
        (Request("change_own_password", target="other"), "not_own_account"),
        (Request("view_history", target="other"), "not_own_account"),
        (Request("view_member_contacts", target="other"), "other_members_contacts"),
    ],
)
def test_refusals_carry_their_reason_even_for_the_allocataire(request_, reason):
    decision = decide(Profile.ALLOCATAIRE, request_)
    assert (decision.allowed, decision.reason) == (False, reason)


@pytest.mark.parametrize(
    ("profile", "request_", "reason"),
    [
        (Profile.ALLOCATAIRE, Request("view_mail"), "full_rights"),
        (Profile.DELEGATED_SPOUSE, Request("view_mail"), "full_rights"),
        (Profile.SPOUSE, Request("view_mail"), "delegation_required"),
        (Profile.SPOUSE, Request("request_benefit", benefit="aah"), "spouse_permitted"),
        (Profile.MEMBER, Request("view_mail"), "member_restricted"),
        (Profile.PROVISIONAL, Request("view_mail"), "no_affiliated_file"),
        (Profile.PROVISIONAL, Request("track_procedures"), "own_procedures"),
        (Profile.MEMBER, Request("simulate_benefit"), "open_to_all"),
        (Profile.MEMBER, Request("view_member_personal_info", target="self"), "own_data"),
        (Profile.SPOUSE, Request("change_own_contacts"), "own_account"),
        (Profile.DELEGATED_SPOUSE, Request("manage_authorizations"), "allocataire_only"),
    ],
)
def test_reasons(profile, request_, reason):
    assert decide(profile, request_).reason == reason
