"""Mot de passe oublié over real RPC (spec §8): masked channels, codes, anti-enumeration,
and the freeze lifted by lockout when the reset completes."""

from __future__ import annotations

import pytest

from shared.runtime.rpc import InvalidInput
from shared.testing import wait_for

from .conftest import MOBILE, NIR, OTHER_NIR, PASSWORD, registration_form

NEW = "Nouveau2024Passe"


def test_a_reset_by_mail_changes_the_password_and_lifts_the_freeze(identity):
    identity.register_with_nir()
    frozen = identity.fail_logins(NIR, 5)[-1]
    assert frozen["outcome"] == "frozen"
    rpc = identity.rpc.identity

    started = rpc.start_password_reset(NIR, "test", identity.captcha())
    assert started["channels"] == [{"channel": "email", "masked": "d****n@t***.fr"}]
    sent = rpc.send_password_reset_code(started["reset_id"], "email")
    assert sent["sent_to"] == "d****n@t***.fr"
    assert sent["message"].startswith("A noter : ce code de vérification est à usage unique")
    assert sent["message"].endswith(
        "Nous vous invitons à saisir immédiatement votre nouveau mot de passe à l'étape suivante"
        " pour finaliser votre démarche."
    )
    code = identity.next_code()
    assert rpc.verify_password_reset_code(started["reset_id"], code)["verified"]
    assert rpc.verify_password_reset_code(started["reset_id"], code)["outcome"] == "no_code"
    done = rpc.complete_password_reset(started["reset_id"], NEW, NEW)

    assert done == {"outcome": "password_changed", "message": "Nouveau mot de passe enregistré"}
    [changed] = identity.tap.wait("PasswordChanged")
    assert changed["reason"] == "reset"
    # lockout consumes PasswordChanged and lifts the freeze (no waiting 10 minutes)
    after = wait_for(lambda: (a := identity.login(NIR, NEW))["outcome"] == "ok" and a)
    assert after["session"] is not None
    assert identity.login(NIR, PASSWORD)["outcome"] == "invalid_credentials"


def test_an_unknown_nir_and_a_wrong_name_answer_like_a_real_account(identity):
    identity.register_with_nir()
    rpc = identity.rpc.identity

    real = rpc.start_password_reset(NIR, "TEST", identity.captcha())
    wrong_name = rpc.start_password_reset(NIR, "DUPONT", identity.captcha())
    unknown = rpc.start_password_reset(OTHER_NIR, "TEST", identity.captcha())
    unknown_again = rpc.start_password_reset(OTHER_NIR, "TEST", identity.captcha())

    for decoy in (wrong_name, unknown):
        assert set(decoy) == set(real) and decoy["reset_id"]
        assert len(decoy["channels"]) == 1 and decoy["message"] is None
    assert unknown_again["channels"] == unknown["channels"]  # stable, so not given away
    channel = unknown["channels"][0]
    sent = rpc.send_password_reset_code(unknown["reset_id"], channel["channel"])
    assert sent["outcome"] == "sent" and sent["sent_to"] == channel["masked"]
    tried = [rpc.verify_password_reset_code(unknown["reset_id"], f"{n:06d}") for n in range(3)]
    assert [t["outcome"] for t in tried] == ["invalid_code", "invalid_code", "too_many_attempts"]
    assert rpc.complete_password_reset(unknown["reset_id"], NEW, NEW)["outcome"] == (
        "code_not_verified"
    )
    # nothing was ever sent for the decoy: the only code published is the real one's, later
    rpc.send_password_reset_code(real["reset_id"], "email")
    [issued] = identity.tap.wait("VerificationCodeIssued", 2)[1:]
    assert issued["flow_id"] == real["reset_id"]


def test_the_reset_needs_a_right_captcha_and_an_offered_channel(identity):
    identity.register_with_nir()
    rpc = identity.rpc.identity

    with pytest.raises(InvalidInput) as captcha:
        rpc.start_password_reset(NIR, "TEST", {**identity.captcha(), "answer": "WRONG"})
    started = rpc.start_password_reset(NIR, "TEST", identity.captcha())
    with pytest.raises(InvalidInput) as channel:
        rpc.send_password_reset_code(started["reset_id"], "sms")

    assert captcha.value.code == "captcha_invalid"
    assert channel.value.code == "channel_unavailable"


def test_sms_and_letter_channels_are_masked_and_a_letter_code_lives_30_days(identity):
    identity.register(registration_form(), channel="sms", address=MOBILE)
    address = {"lines": ["M TEST TEST", "1 RUE DE LA PAIX", "92000 NANTERRE"]}
    identity.rpc.identity.update_contacts(
        NIR, {"phone": MOBILE, "postal_address": address}, "agent-42", "courrier du 04/03"
    )

    started = identity.rpc.identity.start_password_reset(NIR, "TEST", identity.captcha())
    sent = identity.rpc.identity.send_password_reset_code(started["reset_id"], "letter")

    assert started["channels"] == [
        {"channel": "sms", "masked": "06 ** ** ** 12"},
        {"channel": "letter", "masked": "courrier à votre adresse postale"},
    ]
    assert sent["expires_at"] == "2024-04-04T09:30:00+00:00"
    letter = identity.next_sealed("VerificationCodeIssued", 1)
    assert letter["address"] == address


def test_no_contact_on_file_tells_the_person_to_contact_their_caf(identity):
    identity.register_with_nir()
    identity.rpc.identity.update_contacts(NIR, {}, "agent-42", "adresse mail erronée")

    started = identity.rpc.identity.start_password_reset(NIR, "TEST", identity.captcha())

    assert started["channels"] == []
    assert "contactez votre Caf" in started["message"]


def test_a_new_password_must_follow_the_policy(identity):
    identity.register_with_nir()
    started = identity.rpc.identity.start_password_reset(NIR, "TEST", identity.captcha())

    with pytest.raises(InvalidInput) as error:
        identity.rpc.identity.complete_password_reset(started["reset_id"], "Azerty12", "Azerty12")

    assert error.value.code == "password_policy"
    assert error.value.fields["password"] == ["10 à 64 caractères", "mot de passe courant refusé"]
