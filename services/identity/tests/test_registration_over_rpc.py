"""Créer Mon Compte over real RPC (spec §7): both paths of the seed and their error cases."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from shared.identifiers import parse_nir
from shared.runtime import metrics
from shared.runtime.rpc import InvalidInput
from shared.testing import application_of

from .conftest import (
    CAPTCHA_ANSWER,
    EMAIL,
    MOBILE,
    NIR,
    PASSWORD,
    form_without_nir,
    registration_form,
)


def stored_count(identity) -> int:
    return identity.app.recorder.max_notification_id() or 0


def stored_events(identity) -> list[Any]:
    app = identity.app
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return [app.mapper.to_domain_event(n) for n in notifications]


def with_captcha(identity: Any, **changes: Any) -> dict[str, Any]:
    """The seed's first path, with the captcha every registration now carries (SPEC §16)."""
    return registration_form(captcha=identity.captcha(), **changes)


def test_with_a_nir_the_recap_shows_it_grouped_and_the_account_logs_in(identity):
    started = identity.rpc.identity.start_registration(with_captcha(identity))
    assert started["outcome"] == "started"
    assert [s["step"] for s in started["steps"]] == ["etat_civil", "code", "mot_de_passe"]
    assert started["announce"].startswith("Pour créer mon espace, 3 étapes")

    rid = started["registration_id"]
    sent = identity.rpc.identity.send_registration_code(rid, "email", EMAIL, EMAIL.upper())
    assert sent["sent_to"] == "d****n@t***.fr"
    assert identity.rpc.identity.verify_registration_code(rid, identity.next_code())["verified"]
    recap = identity.rpc.identity.complete_registration(rid, PASSWORD, PASSWORD)

    assert recap["identifier_display"] == "1 63 06 31 555 082"
    assert (recap["identifier"], recap["identifier_kind"]) == ("1630631555082", "nir")
    assert recap["civil_status"]["birth_name"] == "TEST"
    assert recap["civil_status"]["identity_document"]["number"] == "X4RTBPFW4"
    assert recap["contact"]["email"] == EMAIL
    assert recap["supporting_documents_required"] is False
    [created] = identity.tap.wait("AccountCreated")
    assert created["account_id"] == recap["account_id"] and created["nir_key"]
    assert created["benefit_request"] == "ALS"
    contact = identity.unsealer.unseal(created["sealed_contact"])
    assert contact["email"] == EMAIL and contact["display_name"] == "Test TEST TEST"
    assert identity.login(NIR)["outcome"] == "ok"


def test_without_a_nir_a_provisional_identifier_is_drawn_and_sent(identity):
    recap = identity.register(form_without_nir(identity.captcha()), channel="sms", address=MOBILE)

    assert re.fullmatch(r"P\d{8}", recap["identifier"])
    assert recap["identifier_kind"] == "provisional"
    assert recap["message"].startswith("Conservez bien cet identifiant")
    assert recap["supporting_documents_required"] is True  # "Je ne dispose pas d'une pièce…"
    assert recap["civil_status"]["parents"][1] == {"birth_name": "MORVAN", "first_names": "JEANNE"}
    assert recap["contact"] == {
        "email": None,
        "phone": "0612345612",
        "postal_address": None,
        "preferred": "sms",
    }
    [issued] = identity.tap.wait("ProvisionalIdentifierIssued")
    assert (issued["reason"], issued["channel"]) == ("registration", "sms")
    assert identity.unsealer.unseal(issued["sealed"])["identifier"] == recap["identifier"]
    assert identity.login(recap["identifier"])["outcome"] == "ok"


def test_without_a_nir_a_wrong_captcha_is_refused_and_nothing_is_stored(identity):
    before = stored_count(identity)
    wrong = {**identity.captcha(), "answer": "NOPE1"}

    with pytest.raises(InvalidInput) as error:
        identity.rpc.identity.start_registration(form_without_nir(wrong))

    assert error.value.code == "captcha_invalid"
    assert "captcha" in error.value.fields
    assert stored_count(identity) == before


def test_a_nir_that_has_an_account_is_pointed_to_login_and_forgotten_password(identity):
    identity.register_with_nir()

    again = identity.rpc.identity.start_registration(with_captcha(identity, first_names="Autre"))

    assert again["outcome"] == "account_exists"
    assert again["registration_id"] is None
    assert "Mot de passe oublié" in again["message"]


def test_a_nir_registration_needs_a_captcha_and_stores_nothing_without_one(identity):
    before = stored_count(identity)

    with pytest.raises(InvalidInput) as error:
        identity.rpc.identity.start_registration(registration_form())

    assert error.value.fields == {"captcha": ["Ce champ est obligatoire."]}
    assert stored_count(identity) == before


def test_every_account_exists_answer_is_recorded_counted_and_weighs_on_the_source(
    identity, services
):
    identity.lockout_container = services.restart(
        identity.lockout_container, LOCKOUT_SOURCE_MAX_IDENTIFIERS="3"
    )
    application_of(identity.lockout_container).captcha_answers = lambda: CAPTCHA_ANSWER
    account_id = identity.register_with_nir()["account_id"]
    counted = metrics.ACCOUNT_EXISTS_ANSWERS.labels(journey="registration")
    before = counted._value.get()
    source = {"ip": "203.0.113.9"}

    again = identity.rpc.identity.start_registration(with_captcha(identity), source)
    unknown = [
        identity.rpc.identity.start_registration(with_captcha(identity, nir=nir), source)
        for nir in ("2 62 09 99 123 456", "1 84 12 75 123 456")
    ]

    assert again["outcome"] == "account_exists"
    assert [u["outcome"] for u in unknown] == ["started", "started"]
    assert counted._value.get() == before + 1
    (answer,) = [
        n for n in stored_events(identity) if type(n).__qualname__ == "AccountExistsAnswer.Recorded"
    ]
    assert (str(answer.account_id), answer.journey) == (account_id, "registration")
    # three NIRs looked up from that address: its next login attempt needs a captcha
    assert identity.login("P00000001", "Mauvais2024Mdp", source=source)["outcome"] == (
        "captcha_required"
    )


def test_two_registrations_racing_for_one_nir_make_one_account(identity):
    """Both pass step 1 before either finishes: the second save is refused by the index."""
    first = identity.rpc.identity.start_registration(with_captcha(identity))["registration_id"]
    second = identity.rpc.identity.start_registration(with_captcha(identity))["registration_id"]
    for rid in (first, second):
        identity.rpc.identity.send_registration_code(rid, "email", EMAIL, EMAIL)
        identity.rpc.identity.verify_registration_code(rid, identity.next_code())
    replies = [
        identity.rpc.identity.complete_registration.call_async(rid, PASSWORD, PASSWORD)
        for rid in (first, second)
    ]

    outcomes = sorted(reply.result()["outcome"] for reply in replies)

    assert outcomes == ["account_exists", "created"]


def test_a_registration_that_missed_the_other_is_still_refused_by_the_store(identity):
    """The worst interleaving, forced: every check saw no account for this NIR (the other
    registration had not saved yet); the save itself must refuse the second account."""
    first = identity.register_with_nir()
    identity.app.store.identifier_taken = lambda identifier: False  # the checks see nothing

    second = identity.register_with_nir(password="Autre2024Passe")

    assert second["outcome"] == "account_exists"
    assert identity.app.store.account_for(parse_nir(NIR)).id == uuid.UUID(first["account_id"])
    assert identity.login(NIR)["outcome"] == "ok"


def test_the_form_gets_french_field_errors_and_nothing_is_stored(identity):
    before = stored_count(identity)
    bad = with_captcha(
        identity,
        nir="1 63 06 31 555 082 99",
        birth_date="31/02/1963",
        civility="X",
        postal_code="920",
    )

    with pytest.raises(InvalidInput) as error:
        identity.rpc.identity.start_registration(bad)

    assert error.value.fields["nir"] == ["La clé du numéro de Sécurité sociale ne correspond pas."]
    assert error.value.fields["birth_date"] == ["Date invalide (format JJ/MM/AAAA)."]
    assert set(error.value.fields) >= {"civility", "postal_code"}
    assert stored_count(identity) == before


def test_dates_may_be_typed_iso_and_a_document_needs_its_number(identity):
    iso = identity.rpc.identity.start_registration(with_captcha(identity, birth_date="1963-06-01"))
    assert iso["outcome"] == "started"

    with pytest.raises(InvalidInput) as error:
        identity.rpc.identity.start_registration(
            with_captcha(identity, identity_document={"type": "passport"})
        )
    assert set(error.value.fields["identity_document"]) == {"number", "issue_date"}


def test_the_contact_must_be_a_french_mobile_typed_twice_the_same(identity):
    rid = identity.rpc.identity.start_registration(with_captcha(identity))["registration_id"]

    with pytest.raises(InvalidInput) as landline:
        identity.rpc.identity.send_registration_code(rid, "sms", "01 23 45 67 89", "01 23 45 67 89")
    with pytest.raises(InvalidInput) as mismatch:
        identity.rpc.identity.send_registration_code(rid, "sms", MOBILE, "06 12 34 56 13")

    assert "address" in landline.value.fields
    assert mismatch.value.fields["confirmation"] == ["Les deux saisies ne correspondent pas."]


def test_codes_wrong_three_times_expire_and_are_replaced(identity):
    rpc = identity.rpc.identity
    rid = rpc.start_registration(with_captcha(identity))["registration_id"]
    rpc.send_registration_code(rid, "email", EMAIL, EMAIL)
    first = identity.next_code()
    wrong = "000000" if first != "000000" else "111111"

    answers = [rpc.verify_registration_code(rid, wrong) for _ in range(3)]
    assert [a["attempts_left"] for a in answers] == [2, 1, 0]
    assert rpc.verify_registration_code(rid, first)["outcome"] == "too_many_attempts"

    too_soon = rpc.send_registration_code(rid, "email", EMAIL, EMAIL)
    assert too_soon["outcome"] == "rate_limited" and too_soon["retry_after_s"] > 0

    identity.clock.advance(seconds=61)
    rpc.send_registration_code(rid, "email", EMAIL, EMAIL)
    second = identity.next_code()
    identity.clock.advance(minutes=15)
    assert rpc.verify_registration_code(rid, second)["outcome"] == "code_expired"


def test_the_password_step_needs_the_code_the_policy_and_the_confirmation(identity):
    rpc = identity.rpc.identity
    rid = rpc.start_registration(with_captcha(identity))["registration_id"]

    with pytest.raises(InvalidInput) as unverified:
        rpc.complete_registration(rid, PASSWORD, PASSWORD)
    rpc.send_registration_code(rid, "email", EMAIL, EMAIL)
    rpc.verify_registration_code(rid, identity.next_code())
    with pytest.raises(InvalidInput) as weak:
        rpc.complete_registration(rid, "azerty", "azerty")
    with pytest.raises(InvalidInput) as mismatch:
        rpc.complete_registration(rid, PASSWORD, PASSWORD + "x")

    assert unverified.value.code == "contact_not_verified"
    assert weak.value.code == "password_policy"
    assert "1 lettre majuscule" in weak.value.fields["password"]
    assert set(weak.value.detail["failed_rules"]) >= {"length", "upper"}
    assert mismatch.value.code == "password_confirmation"
    assert rpc.complete_registration(rid, PASSWORD, PASSWORD)["outcome"] == "created"


def test_check_password_returns_the_checklist(identity):
    checked = identity.rpc.identity.check_password("bonjour")

    assert checked["valid"] is False
    assert [(r["rule"], r["ok"]) for r in checked["rules"]][:3] == [
        ("length", False),
        ("digit", False),
        ("lower", True),
    ]


def test_quitter_ends_the_registration_in_identity_and_keeps_nothing_of_the_form(identity):
    """Given a registration whose code was sent, when the person leaves (« Quitter »), then it
    is ended, its form reads as erased, RegistrationAbandoned says at which step, and no step
    can go on; leaving again answers the same."""
    rid = identity.rpc.identity.start_registration(with_captcha(identity))["registration_id"]
    identity.rpc.identity.send_registration_code(rid, "email", EMAIL, EMAIL)
    # read before leaving: once the form is erased, a code event the relay has not yet
    # published goes out with its sealed code and address erased too
    code = identity.next_code()

    left = identity.rpc.identity.abandon_registration(rid)

    assert left == {"outcome": "abandoned", "registration_id": rid, "step": "code"}
    [abandoned] = identity.tap.wait("RegistrationAbandoned")
    assert abandoned == {"registration_id": rid, "step": "code"}
    flow = identity.app.repository.get(uuid.UUID(rid))
    assert flow.abandoned and flow.form.erased and flow.code_address.erased
    with pytest.raises(InvalidInput) as refused:
        identity.rpc.identity.verify_registration_code(rid, code)
    assert refused.value.code == "registration_abandoned"
    assert "abandonnée" in refused.value.fields["registration_id"][0]
    assert identity.rpc.identity.abandon_registration(rid) == left
    assert len(identity.tap.wait("RegistrationAbandoned")) == 1


def test_a_created_account_cannot_be_abandoned_and_an_unknown_id_is_refused(identity):
    recap = identity.register_with_nir()
    rid = str(identity.app.repository.get(uuid.UUID(recap["account_id"])).registration_id)
    with pytest.raises(InvalidInput) as created:
        identity.rpc.identity.abandon_registration(rid)
    assert created.value.code == "registration_completed"
    with pytest.raises(InvalidInput) as unknown:
        identity.rpc.identity.abandon_registration(str(uuid.uuid4()))
    assert unknown.value.code == "registration_id_unknown"
