"""« Changer mon mot de passe » as a person reads it, identity scripted with the ladder's answers
(issue #29 item 2): given identity's answer to each attempt, then the page says the login's
French message, draws the captcha with its audio alternative, and says the time left."""

from __future__ import annotations

from typing import Any

import pytest
from fake_services import FakeServices, Visitor
from page_reader import Page

PAGE = "/mon-compte/mot-de-passe"
FORM = {
    "current_password": "Mauvais2024Mdp",
    "password": "Nouveau2024Passe",
    "confirmation": "Nouveau2024Passe",
}
LADDER = {"captcha_required": False, "captcha_invalid": False, "frozen_until": None,
          "retry_after_s": None}  # fmt: skip
WRONG = (
    "Le mot de passe actuel est incorrect. Veuillez vérifier vos informations saisies. "
    "Il vous reste 2 tentatives. Attention : au 5e échec, votre compte sera bloqué."
)
CAPTCHA = "Pour continuer, recopiez les caractères de l'image (vérification de sécurité)."
FROZEN = "Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant 10 minutes."


@pytest.fixture
def logged_in(visitor: Visitor, fake_services: FakeServices) -> Visitor:
    fake_services.answer(
        "identity.login",
        {"outcome": "ok", "session": {"token": "t", "expires_at": "2099-01-01T00:00:00+00:00"}},
    )
    fake_services.answer(
        "identity.verify_session",
        {"valid": True, "account_id": "a-1", "auth_method": "password",
         "expires_at": "2099-01-01T00:00:00+00:00"},
    )  # fmt: skip
    fake_services.answer("delegation.authorize", {"allowed": True, "reason": None})
    response = visitor.post(
        "/connexion", {"identifier": "1 85 01 75 100 001", "password": "x"}, page="/connexion"
    )
    assert response.status_code == 302
    return visitor


def attempt(visitor: Visitor, fake_services: FakeServices, answer: dict[str, Any]) -> Page:
    fake_services.answer("identity.change_password", answer)
    response = visitor.post(PAGE, FORM)
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def test_a_wrong_current_password_says_the_attempts_left(
    logged_in: Visitor, fake_services: FakeServices
) -> None:
    page = attempt(
        logged_in, fake_services,
        {**LADDER, "outcome": "invalid_current_password", "attempts_left": 2, "message": WRONG},
    )  # fmt: skip

    assert page.by_id["password-answer"].text == WRONG
    assert page.by_id["password-answer"].attributes["role"] == "alert"
    assert "captcha" not in page.by_id


def test_the_captcha_asked_is_drawn_with_its_audio_alternative(
    logged_in: Visitor, fake_services: FakeServices
) -> None:
    page = attempt(
        logged_in, fake_services,
        {**LADDER, "outcome": "captcha_required", "attempts_left": 2, "captcha_required": True,
         "message": CAPTCHA},
    )  # fmt: skip

    assert page.by_id["password-answer"].text == CAPTCHA
    assert page.by_id["captcha"].text.startswith("Vérification de sécurité")
    assert "Vérification audio (à la place de l'image)" in page.by_id["captcha"].text
    assert "captcha_answer" in page.by_id and "audio_answer" in page.by_id


MISMATCH = "Les caractères saisis ne correspondent pas à l'image. Veuillez réessayer."  # identity's


def test_a_wrong_captcha_is_said_next_to_its_field(
    logged_in: Visitor, fake_services: FakeServices
) -> None:
    page = attempt(
        logged_in, fake_services,
        {**LADDER, "outcome": "captcha_required", "attempts_left": 2, "captcha_required": True,
         "captcha_invalid": True, "message": MISMATCH},
    )  # fmt: skip

    assert "Les caractères saisis ne correspondent pas" in page.by_id["captcha_answer-error"].text
    assert page.by_id["captcha_answer"].attributes["aria-invalid"] == "true"
    assert "1 champ est à corriger" in page.by_id["error-summary"].text


def test_frozen_says_the_time_left(logged_in: Visitor, fake_services: FakeServices) -> None:
    page = attempt(
        logged_in, fake_services,
        {**LADDER, "outcome": "frozen", "attempts_left": 0, "frozen_until": "2099-01-01T00:10:00",
         "retry_after_s": 600, "message": FROZEN},
    )  # fmt: skip

    assert page.by_id["password-answer"].text.startswith(FROZEN)
    assert "pendant 10 minutes" in page.text


CONTACTS = "/mon-compte/profil/coordonnees"
CONTACT_FORM = {
    "channel": "email",
    "address": "jonas@exemple.fr",
    "confirmation": "jonas@exemple.fr",
    "current_password": "Bonjour2024Caf",
}


def test_mon_profil_offers_modifier_for_the_mail_and_the_mobile(
    logged_in: Visitor, fake_services: FakeServices
) -> None:
    fake_services.answer(
        "identity.account_summary",
        {"identifier_display": "1 85 01 75 100 001", "civil_status": {},
         "contact": {"email": "j@exemple.fr", "phone": None}},
    )  # fmt: skip

    page = Page(logged_in.get("/mon-compte/profil").get_data(as_text=True))

    assert page.links["Modifier"].startswith(CONTACTS)
    assert "channel=sms" in page.text or any("channel=sms" in h for h in page.links.values())


def test_a_contact_change_sends_a_code_then_says_the_change(
    logged_in: Visitor, fake_services: FakeServices
) -> None:
    fake_services.answer(
        "identity.start_contact_change",
        {"outcome": "code_sent", "change_id": "c-1", "sent_to": "j****s@e***.fr",
         "expires_at": "2099-01-01T00:15:00+00:00", "message": "A noter"},
    )  # fmt: skip
    fake_services.answer(
        "identity.confirm_contact_change",
        {"outcome": "changed", "message": "Vos coordonnées de contact sont modifiées."},
    )

    sent = logged_in.post(CONTACTS, CONTACT_FORM)
    code_page = Page(logged_in.get(CONTACTS + "/code").get_data(as_text=True))
    done = Page(logged_in.post(CONTACTS + "/code", {"code": "123456"}).get_data(as_text=True))

    assert sent.status_code == 302 and sent.location.endswith(CONTACTS + "/code")
    assert "j****s@e***.fr" in code_page.text
    assert done.title.startswith("Coordonnées de contact modifiées")
    assert fake_services.called("identity.confirm_contact_change")[0][0][1:] == ("c-1", "123456")
    args, _ = fake_services.called("identity.start_contact_change")[0]
    assert args[1:] == ("Bonjour2024Caf", "email", "jonas@exemple.fr", "jonas@exemple.fr")


def test_a_contact_change_answers_the_ladder_as_the_login_does(
    logged_in: Visitor, fake_services: FakeServices
) -> None:
    fake_services.answer(
        "identity.start_contact_change",
        {**LADDER, "outcome": "captcha_required", "attempts_left": 2, "captcha_required": True,
         "message": CAPTCHA},
    )  # fmt: skip

    page = Page(logged_in.post(CONTACTS, CONTACT_FORM).get_data(as_text=True))

    assert page.by_id["contacts-answer"].text == CAPTCHA
    assert "audio_answer" in page.by_id
