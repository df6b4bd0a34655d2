"""HouseholdFile: given these past events, when this command, then these new events."""

from __future__ import annotations

import pytest
from delegation.composition import InvalidCompositionError
from delegation.domain import HouseholdFile
from delegation_builders import account_for, household, kinds, new_events, spec

ALLOC = spec("jonas", "allocataire", "Jonas", "DUCHAIS")
SPOUSE = spec("florence", "conjoint", "Florence", "DUCHAIS")
CHILD = spec("lea", "enfant", "Léa", "DUCHAIS")


def couple() -> HouseholdFile:
    file = household(ALLOC, SPOUSE, CHILD)
    new_events(file)
    return file


def test_registration_records_each_member_with_its_account():
    file = household(ALLOC, SPOUSE, linked=False)
    assert kinds(new_events(file)) == ["Registered", "MemberJoined", "MemberJoined"]
    assert file.allocataire and file.allocataire.nir_key == ALLOC.nir_key
    assert file.spouse and file.spouse.account_id is None


def test_the_prompt_is_pending_for_the_allocataire_only():
    file = couple()
    assert file.prompt_pending_for(ALLOC.nir_key)
    assert not file.prompt_pending_for(SPOUSE.nir_key)
    assert not file.prompt_pending_for(CHILD.nir_key)


def test_no_prompt_without_a_spouse():
    file = household(ALLOC, CHILD)
    assert not file.prompt_pending_for(ALLOC.nir_key)
    assert file.answer_prompt(ALLOC.nir_key, "yes") == "no_prompt"


def test_skip_records_the_skip_and_asks_again():
    file = couple()
    assert file.answer_prompt(ALLOC.nir_key, "skip") == "skipped"
    assert kinds(new_events(file)) == ["DelegationPromptSkipped"]
    assert file.prompt_pending_for(ALLOC.nir_key)


def test_yes_grants_with_both_accounts_and_closes_the_prompt():
    file = couple()
    assert file.answer_prompt(ALLOC.nir_key, "yes") == "granted"
    [granted] = new_events(file)
    assert type(granted).__name__ == "DelegationGranted"
    assert granted.allocataire_account_id == account_for(ALLOC)
    assert granted.spouse_account_id == account_for(SPOUSE)
    assert file.delegation_granted
    assert not file.prompt_pending_for(ALLOC.nir_key)


def test_no_declines_and_closes_the_prompt_without_granting():
    file = couple()
    assert file.answer_prompt(ALLOC.nir_key, "no") == "declined"
    assert kinds(new_events(file)) == ["DelegationDeclined"]
    assert not file.delegation_granted
    assert not file.prompt_pending_for(ALLOC.nir_key)


def test_only_the_allocataire_may_answer():
    file = couple()
    assert file.answer_prompt(SPOUSE.nir_key, "yes") == "no_prompt"
    assert file.set_delegation(SPOUSE.nir_key, True) == "not_allocataire"
    assert new_events(file) == []


def test_set_delegation_at_any_time_revokes_by_choice():
    file = couple()
    file.set_delegation(ALLOC.nir_key, True)
    new_events(file)
    assert file.set_delegation(ALLOC.nir_key, True) == "unchanged"
    assert new_events(file) == []
    assert file.set_delegation(ALLOC.nir_key, False) == "revoked"
    [revoked] = new_events(file)
    assert revoked.reason == "allocataire_choice"
    assert not file.prompt_pending_for(ALLOC.nir_key)


def test_a_no_from_the_settings_page_also_answers_the_prompt():
    file = couple()
    assert file.set_delegation(ALLOC.nir_key, False) == "unchanged"
    assert kinds(new_events(file)) == ["DelegationDeclined"]
    assert not file.prompt_pending_for(ALLOC.nir_key)


def test_a_new_spouse_is_asked_about_again():
    file = couple()
    file.answer_prompt(ALLOC.nir_key, "no")
    new_spouse = spec("eric", "conjoint", "Eric", "LEVESQUE")
    file.recompose([ALLOC, new_spouse, CHILD], accounts={})
    assert kinds(new_events(file)) == [
        "DelegationDeclined",
        "CompositionChanged",
        "MemberLeft",
        "MemberJoined",
    ]
    assert file.prompt_pending_for(ALLOC.nir_key)


def test_a_spouse_leaving_revokes_first_with_the_reason():
    file = couple()
    file.set_delegation(ALLOC.nir_key, True)
    new_events(file)
    change = file.recompose([ALLOC, CHILD], accounts={})
    events = new_events(file)
    assert kinds(events) == ["CompositionChanged", "DelegationRevoked", "MemberLeft"]
    assert events[1].reason == "spouse_left"
    assert events[1].spouse_account_id == account_for(SPOUSE)
    assert change.leaving == [SPOUSE.nir_key]
    assert not file.delegation_granted


def test_a_new_allocataire_revokes_and_is_asked():
    file = couple()
    file.set_delegation(ALLOC.nir_key, True)
    new_events(file)
    swapped = [spec("jonas", "conjoint", "Jonas", "DUCHAIS"), spec("florence", "allocataire")]
    file.recompose([*swapped, CHILD], accounts={})
    events = new_events(file)
    assert kinds(events)[:2] == ["CompositionChanged", "DelegationRevoked"]
    assert events[1].reason == "allocataire_changed"
    assert kinds(events).count("MemberRoleChanged") == 2
    assert file.prompt_pending_for(SPOUSE.nir_key)
    assert not file.prompt_pending_for(ALLOC.nir_key)


def test_a_spouse_promoted_co_allocataire_ends_the_delegation_as_an_allocataire_change():
    file = couple()
    file.set_delegation(ALLOC.nir_key, True)
    new_events(file)
    promoted = spec("florence", "co_allocataire", "Florence", "DUCHAIS")
    file.recompose([ALLOC, promoted, CHILD], accounts={})
    assert new_events(file)[1].reason == "allocataire_changed"


def test_a_child_arriving_changes_nothing_to_the_delegation():
    file = couple()
    file.set_delegation(ALLOC.nir_key, True)
    new_events(file)
    baby = spec("tom", "enfant", "Tom", "DUCHAIS")
    change = file.recompose(
        [ALLOC, SPOUSE, CHILD, baby], accounts={baby.nir_key: account_for(baby)}
    )
    assert kinds(new_events(file)) == ["CompositionChanged", "MemberJoined"]
    assert change.joining == [baby]
    assert file.members[baby.nir_key].account_id == account_for(baby)
    assert file.delegation_granted


def test_the_same_composition_is_unchanged_and_stores_nothing():
    file = couple()
    assert file.recompose([ALLOC, SPOUSE, CHILD], accounts={}).unchanged
    assert new_events(file) == []


def test_a_usage_name_change_is_recorded():
    file = couple()
    renamed = spec("florence", "conjoint", "Florence", "MARTIN")
    file.recompose([ALLOC, renamed, CHILD], accounts={})
    assert kinds(new_events(file)) == ["CompositionChanged", "MemberRenamed"]
    assert file.members[SPOUSE.nir_key].names.value["birth_name"] == "MARTIN"


@pytest.mark.parametrize(
    "members",
    [
        [CHILD],
        [ALLOC, spec("other", "allocataire")],
        [ALLOC, SPOUSE, spec("x", "co_allocataire")],
        [ALLOC, ALLOC],
    ],
    ids=["no allocataire", "two allocataires", "two spouses", "twice the same person"],
)
def test_an_impossible_composition_is_refused(members):
    file = couple()
    with pytest.raises(InvalidCompositionError):
        file.recompose(members, accounts={})
    assert new_events(file) == []


def test_a_declared_separation_revokes_and_blocks_a_new_grant():
    file = couple()
    file.set_delegation(ALLOC.nir_key, True)
    new_events(file)
    assert file.declare_separation(SPOUSE.nir_key) == "recorded"
    events = new_events(file)
    assert kinds(events) == ["DelegationRevoked", "SeparationDeclared"]
    assert events[0].reason == "separation"
    assert file.declare_separation(ALLOC.nir_key) == "already_declared"
    assert file.set_delegation(ALLOC.nir_key, True) == "separation_declared"
    assert not file.prompt_pending_for(ALLOC.nir_key)


def test_the_separation_is_settled_when_the_spouse_leaves_the_file():
    file = couple()
    file.declare_separation(ALLOC.nir_key)
    new_events(file)
    file.recompose([ALLOC, CHILD], accounts={})
    assert kinds(new_events(file)) == ["CompositionChanged", "SeparationSettled", "MemberLeft"]
    assert not file.separation_declared


def test_children_may_not_declare_a_separation_and_singles_have_none_to_declare():
    assert couple().declare_separation(CHILD.nir_key) == "not_allowed"
    assert household(ALLOC, CHILD).declare_separation(ALLOC.nir_key) == "no_spouse"


def test_account_linking_is_recorded_once():
    file = household(ALLOC, SPOUSE, linked=False)
    new_events(file)
    assert file.link_account(SPOUSE.nir_key, account_for(SPOUSE))
    assert not file.link_account(SPOUSE.nir_key, account_for(SPOUSE))
    assert not file.link_account("f" * 64, account_for(SPOUSE))
    assert kinds(new_events(file)) == ["MemberAccountLinked"]


def test_state_replayed_from_its_events_equals_the_live_state():
    file = household(ALLOC, SPOUSE, CHILD)
    file.answer_prompt(ALLOC.nir_key, "skip")
    file.set_delegation(ALLOC.nir_key, True)
    file.declare_separation(ALLOC.nir_key)
    file.recompose([ALLOC, CHILD], accounts={})
    replayed = None
    for e in new_events(file):
        replayed = e.mutate(replayed)
    assert replayed is not None
    assert vars(replayed) == vars(file)
