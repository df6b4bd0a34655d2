"""The code-on-file pages (MOT DE PASSE OUBLIÉ, Identifiant provisoire oublié) as a person reads
them, identity scripted: given identity's answers, when the person fills each step, then the
French texts, the errors next to their fields, the links and the next step are the seed's."""

from __future__ import annotations

from typing import Any

import pytest
from fake_services import FakeServices, Visitor
from page_reader import Page

CHANNELS = [
    {"channel": "email", "masked": "j****s@t***.fr"},
    {"channel": "sms", "masked": "06 ** ** ** 12"},
]
RESET = "/mot-de-passe-oublie"
RECOVERY = "/identifiant-provisoire-oublie"
STARTED = {
    RESET: ("identity.start_password_reset", {"reset_id": "r-1", "channels": CHANNELS}),
    RECOVERY: ("identity.start_identifier_recovery", {"recovery_id": "f-1", "channels": CHANNELS}),
}
FLOW_ID = {RESET: "r-1", RECOVERY: "f-1"}
START_FORMS = {
    RESET: {"nir": "1 85 01 75 100 001", "birth_name": "Duchais"},
    RECOVERY: {"birth_name": "Duchais", "first_names": "Jonas", "birth_date": "14/01/1985"},
}
CAPTCHA_FORM = {"captcha_id": "5f0c7c1e-3a4b-4c5d-8e9f-0a1b2c3d4e5f", "captcha_answer": "K7PZQ"}
SENT = {
    RESET: "identity.send_password_reset_code",
    RECOVERY: "identity.send_identifier_recovery_code",
}


def read(response: Any) -> Page:
    return Page(response.get_data(as_text=True))


def started(visitor: Visitor, fake_services: FakeServices, journey: str) -> None:
    method, answer = STARTED[journey]
    fake_services.answer(method, answer)
    response = visitor.post(journey, {**START_FORMS[journey], **CAPTCHA_FORM})
    assert response.status_code == 302 and response.location.endswith(f"{journey}/envoi")


def test_the_reset_form_asks_the_nir_the_birth_name_and_a_captcha(visitor: Visitor) -> None:
    page = read(visitor.get(RESET))

    assert page.title == "Mot de passe oublié – Mon Compte"
    assert "Numéro de Sécurité sociale" in page.text and "nir" in page.by_id
    assert "Nom de naissance" in page.text and "birth_name" in page.by_id
    assert page.by_id["captcha"].text.startswith("Vérification de sécurité")


def test_identitys_refusal_is_shown_next_to_its_field_and_in_the_summary(
    visitor: Visitor, fake_services: FakeServices
) -> None:
    fake_services.refuse("identity.start_password_reset", {"nir": ["Le numéro est incomplet."]})

    response = visitor.post(RESET, {"nir": "1 85", "birth_name": "Duchais", **CAPTCHA_FORM})

    page = read(response)
    nir = page.by_id["nir"].attributes
    assert response.status_code == 400
    assert page.title == "Erreur : 1 champ à corriger – Mot de passe oublié – Mon Compte"
    assert page.by_id["nir-error"].text == "Le numéro est incomplet."
    assert nir["aria-invalid"] == "true" and "nir-error" in nir["aria-describedby"].split()
    assert nir["value"] == "1 85"  # what was typed stays
    assert page.links["Numéro de Sécurité sociale : Le numéro est incomplet."] == "#nir"
    assert "birth_name-error" not in page.by_id


def test_a_captcha_refusal_goes_next_to_the_captcha(
    visitor: Visitor, fake_services: FakeServices
) -> None:
    fake_services.refuse("identity.start_identifier_recovery", {"captcha": ["Réessayez."]})

    response = visitor.post(RECOVERY, {**START_FORMS[RECOVERY], **CAPTCHA_FORM})

    assert response.status_code == 400
    assert "Vérification de sécurité : Réessayez." in read(response).links


@pytest.mark.parametrize("journey", [RESET, RECOVERY])
def test_the_start_hands_identity_the_form_and_the_captcha(
    visitor: Visitor, fake_services: FakeServices, journey: str
) -> None:
    started(visitor, fake_services, journey)

    [(args, _)] = fake_services.called(STARTED[journey][0])
    captcha = {"captcha_id": CAPTCHA_FORM["captcha_id"], "answer": "K7PZQ"}
    assert args == (*START_FORMS[journey].values(), captcha)


@pytest.mark.parametrize(
    ("journey", "title"),
    [(RESET, "Mot de passe oublié"), (RECOVERY, "Identifiant provisoire oublié")],
)
def test_no_channel_on_file_says_so_without_a_next_step(
    visitor: Visitor, fake_services: FakeServices, journey: str, title: str
) -> None:
    method, answer = STARTED[journey]
    message = "Aucun moyen de vous envoyer un code : contactez votre Caf."
    fake_services.answer(method, {**answer, "channels": [], "message": message})

    response = visitor.post(journey, {**START_FORMS[journey], **CAPTCHA_FORM})

    assert response.status_code == 200
    assert read(response).title == f"{title} – Mon Compte"
    assert message in read(response).text


@pytest.mark.parametrize("journey", [RESET, RECOVERY])
def test_the_channels_on_file_are_offered_masked_and_the_code_page_says_where_it_went(
    visitor: Visitor, fake_services: FakeServices, journey: str
) -> None:
    started(visitor, fake_services, journey)
    channels = read(visitor.get(f"{journey}/envoi"))
    fake_services.answer(SENT[journey], {"outcome": "sent", "sent_to": "06 ** ** ** 12"})

    sent = visitor.post(f"{journey}/envoi", {"channel": "sms"})
    code = read(visitor.get(f"{journey}/code"))

    offered = channels.by_id["channel"].text
    assert "Nous allons vous envoyer un code de vérification par :" in offered
    assert "Mail : j****s@t***.fr" in offered and "SMS : 06 ** ** ** 12" in offered
    assert sent.status_code == 302 and sent.location.endswith(f"{journey}/code")
    assert fake_services.called(SENT[journey]) == [((FLOW_ID[journey], "sms"), {})]
    assert "Un code de vérification vous a été envoyé : 06 ** ** ** 12." in code.text
    assert code.links["demandez un nouveau code"] == f"{journey}/envoi"  # resend


def test_too_many_codes_are_refused_on_the_channel_page(
    visitor: Visitor, fake_services: FakeServices
) -> None:
    started(visitor, fake_services, RESET)
    message = "Vous avez demandé trop de codes. Réessayez dans 10 minutes."
    fake_services.answer(SENT[RESET], {"outcome": "rate_limited", "message": message})

    response = visitor.post(f"{RESET}/envoi", {"channel": "email"})

    assert response.status_code == 200
    assert message in read(response).text


def test_a_wrong_code_is_shown_next_to_the_code_field(
    visitor: Visitor, fake_services: FakeServices
) -> None:
    started(visitor, fake_services, RESET)
    refused = "Code incorrect. Il vous reste 2 essais."
    fake_services.answer(
        "identity.verify_password_reset_code", {"verified": False, "message": refused}
    )

    response = visitor.post(f"{RESET}/code", {"code": "000000"})

    page = read(response)
    assert response.status_code == 400
    assert page.title == (
        "Erreur : 1 champ à corriger – Code de vérification – Mot de passe oublié – Mon Compte"
    )
    assert page.by_id["code-error"].text == refused


def test_an_accepted_reset_code_leads_to_the_new_password(
    visitor: Visitor, fake_services: FakeServices
) -> None:
    started(visitor, fake_services, RESET)
    fake_services.answer("identity.verify_password_reset_code", {"verified": True})

    response = visitor.post(f"{RESET}/code", {"code": "482913"})
    new_password = read(visitor.get(f"{RESET}/nouveau"))

    assert response.status_code == 302 and response.location.endswith(f"{RESET}/nouveau")
    assert new_password.title == "Nouveau mot de passe – Mot de passe oublié – Mon Compte"
    assert fake_services.called("identity.verify_password_reset_code") == [(("r-1", "482913"), {})]


def test_an_accepted_recovery_code_sends_the_identifier_and_links_to_the_login(
    visitor: Visitor, fake_services: FakeServices
) -> None:
    started(visitor, fake_services, RECOVERY)
    sent = "Votre identifiant provisoire vous a été envoyé par SMS."
    fake_services.answer(
        "identity.complete_identifier_recovery", {"outcome": "identifier_sent", "message": sent}
    )

    response = visitor.post(f"{RECOVERY}/code", {"code": "482913"})

    page = read(response)
    assert response.status_code == 200
    assert page.title == "Identifiant provisoire envoyé – Mon Compte"
    assert sent in page.text
    assert any(href.startswith("/connexion") for href in page.links.values())
    assert visitor.get(f"{RECOVERY}/code").location.endswith(RECOVERY)  # the flow is over


@pytest.mark.parametrize("step", ["envoi", "code"])
@pytest.mark.parametrize("journey", [RESET, RECOVERY])
def test_a_step_without_a_started_journey_goes_back_to_its_start(
    visitor: Visitor, journey: str, step: str
) -> None:
    response = visitor.get(f"{journey}/{step}")

    assert response.status_code == 302 and response.location.endswith(journey)


def test_the_login_pages_link_to_both_journeys(visitor: Visitor) -> None:
    login = read(visitor.get("/connexion"))
    provisional = read(visitor.get("/connexion?provisoire=1"))

    assert login.links["Mot de passe oublié ?"] == RESET
    assert provisional.links["Identifiant provisoire oublié ?"] == RECOVERY
