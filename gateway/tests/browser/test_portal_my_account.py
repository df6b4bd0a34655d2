"""« Gérer Mon Compte » in Chromium on the real system (issue #29): « Changer mon mot de passe »
answers every attempt as the login does, each state reached with the keyboard alone and axe
clean."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .journeys import Person, log_in, register
from .keyboard import submit, tab_to, type_into
from .portal import Portal
from .stack import CAPTCHA

MARC = Person("1850375056034", "Monsieur", "Tessier", "Marc", "03/03/1985", "marc@exemple.fr")
WRONG = "Mauvais2024Mdp"
NEW = "Nouveau2024Passe"


def attempt(page: Page, current: str, captcha: str | None = None) -> None:
    """The form filled and sent with Tab, typing and Enter only."""
    type_into(page, page.locator("#current_password"), current)
    type_into(page, page.locator("#password"), NEW)
    type_into(page, page.locator("#confirmation"), NEW)
    if captcha is not None:
        type_into(page, page.locator("#captcha_answer"), captcha)
    submit(page, page.get_by_role("button", name="Continuer", exact=True))


def test_changing_the_password_answers_every_attempt_as_the_login_does(portal: Portal) -> None:
    page = portal.page
    identifier = register(portal, MARC)
    log_in(portal, identifier)
    portal.open("/mon-compte/mot-de-passe")
    answer = page.locator("#password-answer")

    attempt(page, WRONG)
    expect(answer).to_contain_text("Le mot de passe actuel est incorrect.")
    expect(answer).to_contain_text("Il vous reste 4 tentatives.")
    portal.check("tentatives-restantes")

    attempt(page, WRONG)
    attempt(page, WRONG)
    expect(answer).to_contain_text("Il vous reste 2 tentatives.")
    expect(page.locator("#captcha")).to_be_visible()  # the ladder asks it from now on

    attempt(page, WRONG)  # no characters typed: the captcha is asked, not silence
    expect(answer).to_have_text(
        "Pour continuer, recopiez les caractères de l'image (vérification de sécurité)."
    )
    audio = page.locator("details.audio-captcha summary")
    tab_to(page, audio)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Saisissez les chiffres que vous entendez")).to_be_visible()
    portal.check("verification-demandee")

    attempt(page, WRONG, captcha="00000")
    expect(page.locator("#captcha_answer-error")).to_contain_text(
        "Les caractères saisis ne correspondent pas à l'image."
    )
    portal.check("verification-erronee")

    attempt(page, WRONG, captcha=CAPTCHA)
    expect(answer).to_contain_text("Il vous reste 1 tentative.")
    attempt(page, WRONG, captcha=CAPTCHA)
    expect(answer).to_contain_text("Vous ne pouvez pas accéder à votre compte pendant 10 minutes.")
    portal.check("compte-gele")

    attempt(page, "Bonjour2024Caf", captcha=CAPTCHA)  # the right one, still frozen
    expect(answer).to_contain_text("pendant 10 minutes")


NINA = Person("2880375056045", "Madame", "Berger", "Nina", "03/03/1988", "nina@exemple.fr")


def test_mon_profil_modifier_changes_the_mail_with_a_code_sent_to_the_new_one(
    portal: Portal,
) -> None:
    """Issue #29 item 1, keyboard only: « Modifier » in « Mon profil », the current password,
    the code sent to the new mail, the change shown in « Mon profil » and « Mon historique »."""
    page = portal.page
    identifier = register(portal, NINA)
    log_in(portal, identifier)
    portal.open("/mon-compte/profil")
    portal.check("mon-profil")
    modify = page.get_by_role("link", name="Modifier mon mail")
    tab_to(page, modify)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Modifier mes coordonnées de contact")).to_be_visible()
    portal.check("modifier")

    new_mail = "nina.nouvelle@exemple.fr"
    type_into(page, page.locator("#address"), new_mail)
    type_into(page, page.locator("#confirmation"), new_mail)
    type_into(page, page.locator("#current_password"), "Bonjour2024Caf")
    seen = portal.stack.count_to(new_mail)
    submit(page, page.get_by_role("button", name="Recevoir mon code", exact=True))
    expect(page.get_by_role("heading", name="Confirmer ma nouvelle coordonnée")).to_be_visible()
    portal.check("code")
    type_into(page, page.locator("#code"), portal.stack.code_sent_to(new_mail, after=seen))
    submit(page, page.get_by_role("button", name="Valider", exact=True))
    expect(page.get_by_role("heading", name="Coordonnées de contact modifiées")).to_be_visible()
    portal.check("modifiees")

    portal.open("/mon-compte/profil")
    expect(page.locator("main")).to_contain_text(new_mail)
    portal.open("/mon-compte/historique")
    expect(page.locator("main")).to_contain_text("Coordonnées de contact modifiées")
    portal.check("historique")
