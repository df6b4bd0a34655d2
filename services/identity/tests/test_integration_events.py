"""Domain events -> integration events: the shared schemas accept them; decoys publish nothing;
an erased person's sealed blob is left out."""

from __future__ import annotations

import uuid
from datetime import timedelta

from identity.domain import CodeFlow
from identity.integration import integration_event

from shared import events
from shared.runtime.personal_data import PersonalData

from .given import NOW, new_events, registered_account, replayed

SEALED = "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyJ9.a.b.c.d"


def reset_with_code(account_id, code_hash, sealed):
    reset = CodeFlow.password_reset(
        id=uuid.uuid4(), account_id=account_id, channels=PersonalData(uuid.uuid4(), []),
        started_at=NOW,
    )  # fmt: skip
    reset.issue_code(
        purpose="password_reset", account_id=account_id, channel="email", code_hash=code_hash,
        expires_at=NOW + timedelta(minutes=15), address=None, sealed=sealed, issued_at=NOW,
    )  # fmt: skip
    return new_events(reset)[-1]


def test_a_code_issued_becomes_verification_code_issued_with_its_sealed_blob():
    account_id = uuid.uuid4()
    issued = reset_with_code(account_id, "h", PersonalData(account_id, SEALED))

    event_type, payload = integration_event(issued)  # type: ignore[misc]

    assert event_type == "VerificationCodeIssued"
    assert payload["sealed"] == SEALED and payload["purpose"] == "password_reset"
    events.build(event_type, payload, producer="identity", position=1)


def test_a_decoy_send_publishes_nothing():
    assert integration_event(reset_with_code(None, None, None)) is None


def test_an_erased_sealed_contact_is_published_as_none():
    registered = registered_account("nir")[0]
    erased = PersonalData.erased_for(registered.originator_id)
    object.__setattr__(registered, "sealed_contact", erased)

    event_type, payload = integration_event(registered)  # type: ignore[misc]

    assert event_type == "AccountCreated" and payload["sealed_contact"] is None
    events.build(event_type, payload, producer="identity", position=2)


def test_internal_events_publish_nothing():
    account = replayed(registered_account())
    account.rehash_password(password_hash=PersonalData(account.id, "$x"))

    assert integration_event(new_events(account)[0]) is None
