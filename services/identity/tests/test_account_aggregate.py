"""Account and indexes: given past events, when a command, then these new events."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from identity.domain import CivilStatusIndex, IdentifierIndex, NotProvisionalError

from shared.runtime.personal_data import PersonalData

from .given import KEY_NIR, KEY_P, NOW, names, new_events, registered_account, replayed


def test_a_login_is_recorded_with_the_current_identifier_key_and_its_session():
    account = replayed(registered_account())

    account.record_login(at=NOW, method="password", source=None, source_key=None, session_id="s1")

    [recorded] = new_events(account)
    assert names([recorded]) == ["Account.LoginSucceeded"]
    assert recorded.identifier_key == KEY_P
    assert account.history[-1]["outcome"] == "ok"


def test_last_login_is_the_one_before_the_current_session():
    account = replayed(registered_account())
    account.record_login(at=NOW, method="password", source=None, source_key=None, session_id="s1")
    later = NOW + timedelta(days=2)
    account.record_login(at=later, method="password", source=None, source_key=None, session_id="s2")

    assert account.last_login_before("s2") == NOW
    assert account.last_login_before("s1") == later


def test_a_failed_login_joins_the_history_with_its_reason():
    account = replayed(registered_account())

    account.record_failed_login(
        at=NOW, method="password", reason="frozen", source=None, source_key="d" * 64
    )

    assert names(new_events(account)) == ["Account.LoginFailed"]
    assert account.history == [
        {"at": NOW, "method": "password", "outcome": "frozen", "source": None}
    ]


def test_a_password_change_moves_the_campaign_date_a_rehash_does_not():
    past = registered_account(at=NOW - timedelta(days=400))
    account = replayed(past)

    account.rehash_password(password_hash=PersonalData(account.id, "$argon2id$new-params"))
    assert account.password_changed_at == NOW - timedelta(days=400)

    account.change_password(password_hash=PersonalData(account.id, "$x"), reason="reset", at=NOW)
    events = new_events(account)
    assert names(events) == ["Account.PasswordRehashed", "Account.PasswordChanged"]
    assert events[1].identifier_key == KEY_P and events[1].reason == "reset"
    assert account.password_changed_at == NOW


def test_a_nir_replaces_the_provisional_identifier():
    account = replayed(registered_account("provisional"))

    account.assign_nir(
        identifier=PersonalData(account.id, "1630631555082"),
        identifier_key=KEY_NIR,
        nir_key="c" * 64,
        operator="agent-42",
        reason=None,
        at=NOW,
    )

    [assigned] = new_events(account)
    assert names([assigned]) == ["Account.NirAssigned"]
    assert assigned.previous_identifier_key == KEY_P
    assert (account.identifier_kind, account.identifier_key) == ("nir", KEY_NIR)


def test_an_account_with_a_nir_cannot_be_assigned_another():
    account = replayed(registered_account("nir"))

    with pytest.raises(NotProvisionalError):
        account.assign_nir(
            identifier=PersonalData(account.id, "2630631555082"),
            identifier_key="e" * 64,
            nir_key="f" * 64,
            operator="agent-42",
            reason=None,
            at=NOW,
        )
    assert new_events(account) == []


def test_replaying_an_accounts_events_gives_the_live_state():
    given = registered_account()
    account = replayed(given)
    account.record_login(at=NOW, method="password", source=None, source_key=None, session_id="s")
    account.change_password(password_hash=PersonalData(account.id, "$y"), reason="change", at=NOW)

    rebuilt = replayed(given + new_events(account))

    assert vars(rebuilt) == vars(account)


def test_a_retired_identifier_no_longer_names_an_account():
    index = IdentifierIndex(  # type: ignore[call-arg]
        id=uuid.uuid4(), account_id=uuid.uuid4(), identifier_key=KEY_P
    )

    index.retire(at=NOW)

    assert names(new_events(index)) == ["IdentifierIndex.Registered", "IdentifierIndex.Retired"]
    assert index.active_account_id is None


def test_a_civil_status_index_lists_homonyms_once_each():
    first, second = uuid.uuid4(), uuid.uuid4()
    index = CivilStatusIndex(id=uuid.uuid4(), account_id=first)  # type: ignore[call-arg]
    index.add(account_id=second)
    index.add(account_id=second)

    assert index.account_ids == [first, second]
