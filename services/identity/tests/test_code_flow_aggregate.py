"""Verification codes on a flow: single use, expiry, 3 wrong entries, replacement, resends."""

from __future__ import annotations

import uuid
from datetime import timedelta

from identity.domain import CodeFlow
from identity.verification_codes import CodeHasher, CodePolicy, new_code

from shared.runtime.personal_data import PersonalData

from .given import NOW, names, new_events, replayed

POLICY = CodePolicy()


def started_reset() -> list:
    account_id = uuid.uuid4()
    reset = CodeFlow.password_reset(
        id=uuid.uuid4(),
        account_id=account_id,
        channels=PersonalData(account_id, []),
        started_at=NOW,
    )
    return new_events(reset)


def code_issued(flow, code_hash: str = "h1", at=NOW, channel: str = "email") -> list:
    flow.issue_code(
        purpose="password_reset",
        account_id=flow.account_id,
        channel=channel,
        code_hash=code_hash,
        expires_at=at + POLICY.lifetime(channel),
        address=None,
        sealed=None,
        issued_at=at,
    )
    return new_events(flow)


def test_the_right_code_is_accepted_once_then_gone():
    given = started_reset()
    flow = replayed(given)
    given += code_issued(flow)
    flow = replayed(given)

    first = flow.enter_code(matches=True, now=NOW + timedelta(minutes=1), policy=POLICY)
    again = flow.enter_code(matches=True, now=NOW + timedelta(minutes=2), policy=POLICY)

    assert (first.outcome, first.verified) == ("verified", True)
    assert again.outcome == "no_code"  # "ce code de vérification est à usage unique"
    assert names(new_events(flow)) == ["CodeFlow.CodeAccepted"]
    assert flow.code_hash is None and flow.verified


def test_three_wrong_entries_invalidate_the_code():
    given = started_reset()
    flow = replayed(given)
    flow = replayed(given + code_issued(flow))

    outcomes = [flow.enter_code(matches=False, now=NOW, policy=POLICY) for _ in range(3)]
    after = flow.enter_code(matches=True, now=NOW, policy=POLICY)

    assert [(o.outcome, o.attempts_left) for o in outcomes] == [
        ("invalid_code", 2),
        ("invalid_code", 1),
        ("too_many_attempts", 0),
    ]
    assert after.outcome == "too_many_attempts"
    assert names(new_events(flow)) == ["CodeFlow.CodeRejected"] * 3


def test_an_expired_code_is_refused_and_nothing_is_recorded():
    given = started_reset()
    flow = replayed(given)
    flow = replayed(given + code_issued(flow, channel="sms"))

    entry = flow.enter_code(matches=True, now=NOW + timedelta(minutes=15), policy=POLICY)

    assert entry.outcome == "code_expired"
    assert new_events(flow) == []


def test_a_letter_code_lives_thirty_days():
    given = started_reset()
    flow = replayed(given)
    flow = replayed(given + code_issued(flow, channel="letter"))

    entry = flow.enter_code(matches=True, now=NOW + timedelta(days=29), policy=POLICY)

    assert entry.outcome == "verified"


def test_a_new_code_replaces_the_old_one_and_its_wrong_entries():
    given = started_reset()
    flow = replayed(given)
    given += code_issued(flow, code_hash="old")
    flow = replayed(given)
    flow.enter_code(matches=False, now=NOW, policy=POLICY)
    flow.enter_code(matches=False, now=NOW, policy=POLICY)
    given += new_events(flow)

    flow = replayed(given)
    code_issued(flow, code_hash="new", at=NOW + timedelta(minutes=2))

    assert (flow.code_hash, flow.wrong_entries) == ("new", 0)


def test_resends_wait_for_the_interval_and_stop_at_the_maximum():
    given = started_reset()
    flow = replayed(given)
    code_issued(flow)

    assert flow.resend_wait_s(NOW + timedelta(seconds=20), POLICY) == 40
    assert flow.resend_wait_s(NOW + timedelta(seconds=60), POLICY) is None
    for minute in range(1, POLICY.max_sends):
        code_issued(flow, at=NOW + timedelta(minutes=minute))
    assert flow.resend_wait_s(NOW + timedelta(hours=1), POLICY) is not None


def test_a_new_code_after_verification_must_be_verified_again():
    account_id = uuid.uuid4()
    registration = CodeFlow.registration(
        id=uuid.uuid4(),
        account_id=account_id,
        form=PersonalData(account_id, {}),
        identifier_kind="nir",
        identifier_key="a" * 64,
        supporting_documents_required=False,
        benefit_request="ALS",
        started_at=NOW,
    )
    code_issued(registration)
    registration.enter_code(matches=True, now=NOW, policy=POLICY)
    assert registration.may_complete(NOW, POLICY)

    code_issued(registration, at=NOW + timedelta(minutes=2))

    assert not registration.verified
    assert not registration.may_complete(NOW + timedelta(minutes=2), POLICY)


def test_a_verified_flow_must_be_completed_within_the_window():
    given = started_reset()
    flow = replayed(given)
    code_issued(flow)
    flow.enter_code(matches=True, now=NOW, policy=POLICY)

    assert flow.may_complete(NOW + timedelta(minutes=29), POLICY)
    assert not flow.may_complete(NOW + POLICY.completion_window, POLICY)


def test_codes_are_six_digits_and_hashes_are_bound_to_their_flow():
    hasher = CodeHasher(b"k" * 32)
    flow_a, flow_b = uuid.uuid4(), uuid.uuid4()
    code = new_code()

    assert len(code) == 6 and code.isdigit()
    assert hasher.matches(hasher.digest(flow_a, code), flow_a, code)
    assert not hasher.matches(hasher.digest(flow_a, code), flow_b, code)
    assert not hasher.matches(None, flow_a, code)
    assert code not in hasher.digest(flow_a, code)
