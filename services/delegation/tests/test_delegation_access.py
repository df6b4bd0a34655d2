"""From state to answer: who asks (profile) and how the target relates to them."""

from __future__ import annotations

import uuid

from delegation.access import answer
from delegation.directory import AccountRecord
from delegation_builders import account_for, household, spec

ALLOC = spec("jonas", "allocataire")
SPOUSE = spec("florence", "conjoint")
CHILD = spec("lea", "enfant")
STRANGER = spec("stranger", "enfant")


def record(member, kind="nir") -> AccountRecord:
    return AccountRecord(
        account_id=account_for(member), identifier_kind=kind, nir_key=member.nir_key
    )


def test_unknown_asker_is_refused_not_an_error():
    result = answer(None, None, None, target_account_id=None, action="view_history")
    assert (result.allowed, result.reason, result.profile) == (False, "unknown_account", None)


def test_unknown_action_wins_over_target_problems():
    file = household(ALLOC, SPOUSE)
    result = answer(record(ALLOC), file, None, target_account_id=uuid.uuid4(), action="fly")
    assert result.reason == "unknown_action"


def test_a_target_must_be_known_and_in_the_same_file():
    file = household(ALLOC, SPOUSE)
    unknown = answer(
        record(ALLOC),
        file,
        None,
        target_account_id=uuid.uuid4(),
        action="view_member_personal_info",
    )
    assert unknown.reason == "unknown_target"
    outsider = answer(
        record(ALLOC),
        file,
        record(STRANGER),
        target_account_id=account_for(STRANGER),
        action="view_member_personal_info",
    )
    assert (outsider.allowed, outsider.reason) == (False, "target_not_in_household")


def test_the_allocataire_sees_another_members_personal_info_but_not_their_contacts():
    file = household(ALLOC, SPOUSE)
    info = answer(
        record(ALLOC),
        file,
        record(SPOUSE),
        target_account_id=account_for(SPOUSE),
        action="view_member_personal_info",
    )
    contacts = answer(
        record(ALLOC),
        file,
        record(SPOUSE),
        target_account_id=account_for(SPOUSE),
        action="view_member_contacts",
    )
    assert (info.allowed, info.reason, info.profile) == (True, "full_rights", "allocataire")
    assert (contacts.allowed, contacts.reason) == (False, "other_members_contacts")


def test_the_spouse_profile_follows_the_delegation():
    file = household(ALLOC, SPOUSE)
    before = answer(record(SPOUSE), file, None, target_account_id=None, action="view_mail")
    file.set_delegation(ALLOC.nir_key, True)
    after = answer(record(SPOUSE), file, None, target_account_id=None, action="view_mail")
    assert (before.profile, before.allowed) == ("spouse", False)
    assert (after.profile, after.allowed) == ("delegated_spouse", True)


def test_provisional_and_unaffiliated_accounts():
    provisional = AccountRecord(
        account_id=uuid.uuid4(), identifier_kind="provisional", nir_key=None
    )
    own = answer(
        provisional,
        None,
        None,
        target_account_id=provisional.account_id,
        action="view_member_contacts",
    )
    assert (own.allowed, own.profile) == (True, "provisional")
    alone = answer(record(STRANGER), None, None, target_account_id=None, action="track_procedures")
    assert (alone.allowed, alone.reason, alone.profile) == (True, "own_procedures", "unaffiliated")
