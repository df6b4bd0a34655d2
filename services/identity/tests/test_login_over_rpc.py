"""Login over real RPC with the real lockout service (spec §5, §6 as seen from identity)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from shared.identifiers import parse_nir
from shared.runtime.personal_data import PersonalData
from shared.runtime.rpc import InvalidInput

from .conftest import NIR, OTHER_NIR, PASSWORD

WRONG = "Mauvais2024Mdp"


def counting_verifications(identity) -> list[int]:
    """Counts the password checks identity makes from now on."""
    hasher = identity.app.hasher
    calls: list[int] = []
    original = hasher.verify

    def verify(stored, password):
        calls.append(1)
        return original(stored, password)

    hasher.verify = verify
    return calls


def test_an_unknown_identifier_and_a_wrong_password_get_the_same_answer(identity):
    identity.register_with_nir()

    wrong_password = identity.login(NIR, WRONG)
    no_account = identity.login(OTHER_NIR, WRONG)
    no_provisional = identity.login("P12345678", WRONG)

    assert wrong_password == no_account
    # a provisional identifier typed: the same answer, in words that do not speak of a NIR
    assert {**no_provisional, "message": None} == {**wrong_password, "message": None}
    assert no_provisional["message"].startswith(
        "Vos identifiant provisoire et/ou mot de passe sont incorrects."
    )
    assert "Sécurité sociale" not in no_provisional["message"]
    assert wrong_password["outcome"] == "invalid_credentials"
    assert wrong_password["attempts_left"] == 4
    assert wrong_password["message"].startswith(
        "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects."
    )
    assert "Il vous reste 4 tentatives" in wrong_password["message"]
    # only the account's failure is recorded: unknown identifiers write nothing in identity
    (failed,) = identity.tap.wait("LoginFailed", 1)
    assert failed["account_id"] is not None


def test_the_ladder_asks_a_captcha_then_freezes_without_checking_the_password(identity):
    identity.register_with_nir()
    first = identity.fail_logins(NIR, 3)
    assert [a["attempts_left"] for a in first] == [4, 3, 2]
    assert first[2]["captcha_required"] is True
    # the seed's second screen: from the second failure on
    assert "Réessayez ou cliquez sur mot de passe oublié ?" not in first[0]["message"]
    assert first[1]["message"].endswith("Réessayez ou cliquez sur mot de passe oublié ?")

    without_captcha = identity.login(NIR, WRONG)
    assert without_captcha["outcome"] == "captcha_required"

    fifth = identity.fail_logins(NIR, 2)[-1]
    assert fifth["outcome"] == "frozen" and fifth["retry_after_s"] == 600
    assert "pendant 10 minutes" in fifth["message"]

    checks = counting_verifications(identity)
    frozen = identity.login(NIR, PASSWORD, captcha=identity.captcha())
    assert frozen["outcome"] == "frozen" and frozen["session"] is None
    assert checks == []  # no hash while frozen

    identity.clock.advance(minutes=10, seconds=1)
    assert identity.login(NIR, PASSWORD, captcha=identity.captcha())["outcome"] == "ok"
    assert checks == [1]


def test_a_captcha_required_answer_computes_no_hash(identity):
    identity.register_with_nir()
    identity.fail_logins(NIR, 3)
    checks = counting_verifications(identity)

    answer = identity.login(NIR, PASSWORD)
    mistyped = identity.login(NIR, PASSWORD, captcha={**identity.captcha(), "answer": "00000"})

    assert answer["outcome"] == "captcha_required" and answer["session"] is None
    assert answer["message"].startswith("Pour continuer, recopiez les caractères")
    # one wording for a captcha mismatch, in identity's answer as in its field errors
    assert mistyped["captcha_invalid"] is True
    assert mistyped["message"] == (
        "Les caractères saisis ne correspondent pas à l'image. Veuillez réessayer."
    )
    assert checks == []


def test_a_successful_login_issues_a_verifiable_session_and_records_the_connection(identity):
    identity.register_with_nir()
    source = {"ip": "203.0.113.7", "user_agent": "Firefox"}

    answer = identity.login(NIR, PASSWORD, source=source)

    assert answer["outcome"] == "ok" and answer["password_change_recommended"] is False
    token = answer["session"]["token"]
    jwks = identity.rpc.identity.session_keys()
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES256"])
    assert decoded.header["kid"] == jwks["keys"][0]["kid"]
    assert decoded.claims["identifier_kind"] == "nir"
    session = identity.rpc.identity.verify_session(token)
    assert session["valid"] and session["auth_method"] == "password"
    assert session["expires_at"] == "2024-03-05T09:45:00+00:00"
    [succeeded] = identity.tap.wait("LoginSucceeded")
    assert succeeded["source_key"] and "203.0.113.7" not in str(succeeded)
    [entry] = identity.rpc.identity.connection_history(token)
    assert entry == {
        "kind": "connection",
        "at": "2024-03-05T09:30:00+00:00",
        "method": "password",
        "outcome": "ok",
        "source": source,
        "source_kept_until": "2024-10-01T00:00:00+00:00",  # March's end + 183 days
        "source_kept_for": "6 mois",
    }


def test_a_malformed_identifier_is_a_field_error_and_stores_nothing(identity):
    before = identity.app.recorder.max_notification_id()

    with pytest.raises(InvalidInput) as error:
        identity.login("1 63 06", PASSWORD)

    assert error.value.fields["identifier"] == [
        "Le numéro de Sécurité sociale comporte 13 caractères (15 avec la clé)."
    ]
    assert identity.app.recorder.max_notification_id() == before


def test_an_old_8_to_24_password_still_logs_in(identity):
    recap = identity.register_with_nir()
    app = identity.app
    account = app.repository.get(uuid.UUID(recap["account_id"]))
    account.rehash_password(password_hash=PersonalData(account.id, app.hasher.hash("Azerty12")))
    app.save(account)

    assert identity.login(NIR, "Azerty12")["outcome"] == "ok"


def test_a_hash_made_with_older_parameters_is_replaced_at_login(journeys):
    identity = journeys.start(ARGON2_MEMORY_KIB="64")
    identity.register_with_nir()
    identity.identity_container = identity.services.restart(
        identity.identity_container, ARGON2_MEMORY_KIB="128"
    )

    assert identity.login(NIR)["outcome"] == "ok"

    account = identity.app.store.account_for(parse_nir(NIR))
    assert "m=128," in account.password_hash.value
    assert identity.login(NIR)["outcome"] == "ok"


def test_the_renewal_campaign_recommends_then_requires_a_new_password(identity):
    identity.clock.set(datetime(2024, 2, 1, 10, 0, tzinfo=UTC))
    identity.register_with_nir()

    identity.clock.set(datetime(2024, 3, 1, 10, 0, tzinfo=UTC))
    recommended = identity.login(NIR)
    assert recommended["outcome"] == "ok" and recommended["password_change_recommended"]

    identity.clock.set(datetime(2024, 3, 9, 10, 0, tzinfo=UTC))
    required = identity.login(NIR)
    assert required["outcome"] == "password_reset_required" and required["session"] is None
    assert "Mot de passe oublié" in required["message"]

    identity.reset_password(NIR, "Test", "Nouveau2024Passe")
    after = identity.login(NIR, "Nouveau2024Passe")
    assert after["outcome"] == "ok" and not after["password_change_recommended"]


def test_logout_revokes_the_session_and_expired_sessions_are_refused(identity):
    identity.register_with_nir()
    token = identity.session()
    other = identity.session()

    assert identity.rpc.identity.logout(token) == {"outcome": "logged_out"}
    assert identity.rpc.identity.verify_session(token)["reason"] == "revoked"
    with pytest.raises(InvalidInput) as refused:
        identity.rpc.identity.account_summary(token)
    assert refused.value.code == "session_invalid"

    assert identity.rpc.identity.verify_session(other)["valid"]
    identity.clock.advance(minutes=15, seconds=1)
    assert identity.rpc.identity.verify_session(other)["valid"] is False
