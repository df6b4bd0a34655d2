"""Identifiant provisoire oublié over real RPC (spec §8)."""

from __future__ import annotations

from .conftest import MOBILE, form_without_nir


def test_the_provisional_identifier_is_sent_again_to_the_channel_on_file(identity):
    recap = identity.register(form_without_nir(identity.captcha()), channel="sms", address=MOBILE)
    rpc = identity.rpc.identity

    started = rpc.start_identifier_recovery("Morvan", "Daniel", "09/09/1962", identity.captcha())
    assert started["channels"] == [{"channel": "sms", "masked": "06 ** ** ** 12"}]
    rpc.send_identifier_recovery_code(started["recovery_id"], "sms")
    code = identity.next_code()
    done = rpc.complete_identifier_recovery(started["recovery_id"], code)

    assert done["outcome"] == "identifier_sent" and done["sent_to"] == "06 ** ** ** 12"
    issued = identity.tap.wait("ProvisionalIdentifierIssued", 2)[1]
    assert (issued["reason"], issued["channel"]) == ("recovery", "sms")
    opened = identity.unsealer.unseal(issued["sealed"])
    assert opened == {
        "identifier": recap["identifier"],
        "address": "0612345612",
        "display_name": "Daniel MORVAN",
    }


def test_nobody_matching_gets_a_decoy_that_never_sends_anything(identity):
    provisional = identity.register(form_without_nir(identity.captcha()))["identifier"]
    rpc = identity.rpc.identity

    decoy = rpc.start_identifier_recovery("Morvan", "Daniela", "1962-09-09", identity.captcha())
    rpc.send_identifier_recovery_code(decoy["recovery_id"], decoy["channels"][0]["channel"])
    wrong = rpc.complete_identifier_recovery(decoy["recovery_id"], "123456")

    assert len(decoy["channels"]) == 1 and decoy["recovery_id"]
    assert wrong["outcome"] == "invalid_code" and wrong["attempts_left"] == 2
    # A later event, published in order after anything the decoy could have published:
    identity.login(provisional, "Mauvais2024Mdp")  # an account's failure (unknown: none)
    identity.tap.wait("LoginFailed")
    assert len(identity.tap.of_type("VerificationCodeIssued")) == 1  # the registration's only


def test_a_wrong_code_is_counted_and_the_flow_ends_once_done(identity):
    identity.register(form_without_nir(identity.captcha()))
    rpc = identity.rpc.identity
    started = rpc.start_identifier_recovery("MORVAN", "DANIEL", "09/09/1962", identity.captcha())
    rpc.send_identifier_recovery_code(started["recovery_id"], "email")
    code = identity.next_code()
    wrong = "000000" if code != "000000" else "111111"

    assert rpc.complete_identifier_recovery(started["recovery_id"], wrong)["attempts_left"] == 2
    assert rpc.complete_identifier_recovery(started["recovery_id"], code)["verified"]
