"""« Mon profil » › « Modifier » over real RPC (issue #29 item 1): a person changes their own mail
or mobile, the current password checked on the login's ladder, a code sent to the NEW address,
the change published as ContactsUpdated (operator "titulaire") as an agent's is, shown in
« Mon historique », at most CONTACT_CHANGES_PER_DAY a day."""

from __future__ import annotations

import pytest

from shared.runtime.rpc import InvalidInput

from .conftest import EMAIL, NIR, PASSWORD

NEW_MAIL = "daniel.nouveau@test.fr"


def started(identity, token, address=NEW_MAIL, channel="email", password=PASSWORD, **kw):
    return identity.rpc.identity.start_contact_change(
        token, password, channel, address, address, **kw
    )


def test_a_person_changes_their_mail_with_a_code_sent_to_the_new_one(identity):
    recap = identity.register_with_nir()
    token = identity.session()

    start = started(identity, token)
    sent = identity.next_sealed("VerificationCodeIssued", 1)
    [issued] = identity.tap.wait("VerificationCodeIssued", 2)[1:]
    code = identity.next_code()
    wrong = "000000" if code != "000000" else "111111"
    missed = identity.rpc.identity.confirm_contact_change(token, start["change_id"], wrong)
    done = identity.rpc.identity.confirm_contact_change(token, start["change_id"], code)

    assert start["outcome"] == "code_sent" and start["sent_to"].startswith("d")
    assert sent["address"] == NEW_MAIL and issued["purpose"] == "contact_change"
    assert missed["outcome"] == "invalid_code" and missed["attempts_left"] == 2
    assert done["outcome"] == "changed"
    [event] = identity.tap.wait("ContactsUpdated")
    assert (event["account_id"], event["operator"]) == (recap["account_id"], "titulaire")
    contact = identity.unsealer.unseal(event["sealed_contact"])
    assert contact["email"] == NEW_MAIL
    assert identity.rpc.identity.account_summary(token)["contact"]["email"] == NEW_MAIL
    history = identity.rpc.identity.connection_history(token)
    assert (history[0]["method"], history[0]["outcome"]) == ("self", "contacts_changed")


def test_a_wrong_current_password_counts_on_the_login_ladder_and_sends_nothing(identity):
    identity.register_with_nir()
    token = identity.session()

    wrong = [started(identity, token, password="Mauvais2024Mdp") for _ in range(3)]
    no_captcha = started(identity, token)

    assert [(a["outcome"], a["attempts_left"]) for a in wrong] == [
        ("invalid_current_password", 4),
        ("invalid_current_password", 3),
        ("invalid_current_password", 2),
    ]
    assert wrong[0]["message"].startswith("Le mot de passe actuel est incorrect.")
    assert no_captcha["outcome"] == "captcha_required" and no_captcha["captcha_required"]
    assert identity.login(NIR, PASSWORD)["outcome"] == "captcha_required"  # the same ladder
    assert len(identity.tap.wait("VerificationCodeIssued", 1)) == 1  # the registration's only


def test_the_code_attempts_are_limited_and_the_changes_a_day(journeys):
    identity = journeys.start(CONTACT_CHANGES_PER_DAY="1")
    identity.register_with_nir()
    token = identity.session()

    first = started(identity, token)
    wrong = "000000" if identity.next_code() != "000000" else "111111"
    answers = [
        identity.rpc.identity.confirm_contact_change(token, first["change_id"], wrong)
        for _ in range(4)
    ]
    again = started(identity, token)
    identity.rpc.identity.confirm_contact_change(token, again["change_id"], identity.next_code())
    limited = started(identity, token, address="autre@test.fr")

    assert [a["outcome"] for a in answers][-1] == "too_many_attempts"
    assert limited["outcome"] == "limit_reached" and "aujourd'hui" in limited["message"]
    identity.clock.advance(days=1, seconds=1)
    token = identity.session()
    assert started(identity, token, address="autre@test.fr")["outcome"] == "code_sent"


def test_bad_input_and_another_persons_change_are_refused(identity):
    identity.register_with_nir()
    token = identity.session()

    with pytest.raises(InvalidInput) as mismatch:
        identity.rpc.identity.start_contact_change(
            token, PASSWORD, "email", NEW_MAIL, "autre@test.fr"
        )
    with pytest.raises(InvalidInput) as bad_mobile:
        started(identity, token, channel="sms", address="01 23 45 67 89")
    with pytest.raises(InvalidInput) as unknown:
        identity.rpc.identity.confirm_contact_change(
            token, "5f0c7c1e-3a4b-4c5d-8e9f-0a1b2c3d4e5f", "123456"
        )

    assert "confirmation" in mismatch.value.fields
    assert "address" in bad_mobile.value.fields
    assert unknown.value.code == "change_id_unknown"
    assert EMAIL  # the contact on file is unchanged:
    assert identity.rpc.identity.account_summary(token)["contact"]["email"] == EMAIL


def test_a_person_changes_their_mobile_and_keeps_their_mail(identity):
    identity.register_with_nir()
    token = identity.session()

    start = started(identity, token, channel="sms", address="06 98 76 54 32")
    done = identity.rpc.identity.confirm_contact_change(
        token, start["change_id"], identity.next_code()
    )

    assert start["sent_to"].endswith("32") and done["outcome"] == "changed"
    contact = identity.rpc.identity.account_summary(token)["contact"]
    assert contact["email"] == EMAIL and contact["phone"].replace(" ", "").endswith("698765432")
