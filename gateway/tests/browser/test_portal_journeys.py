"""Every journey of issue #15, end to end in Chromium: the real portal, services, broker and
development mailbox. Run: make test-browser (screenshots in var/screenshots/)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from connexion_client import ConnexionClient

from .journeys import PASSWORD, Person, log_in, log_out, register
from .keyboard import choose, submit
from .portal import TITLES, Portal
from .stack import CAPTCHA

JONAS = Person("1850575123456", "Monsieur", "Duchais", "Jonas", "14/05/1985", "jonas@exemple.fr")
FLORENCE = Person("2900192050123", "Madame", "Duchais", "Florence", "03/01/1990", "06 12 34 56 78")
NOUR = Person(None, "Madame", "Haddad", "Nour", "21/02/1995", "nour@exemple.fr", no_document=True)
NEW_PASSWORD = "Nouveau2024Passe"


def test_register_with_a_nir_then_log_in_see_my_account_and_log_out(portal: Portal) -> None:
    identifier = register(portal, JONAS)
    assert identifier == "1 85 05 75 123 456"

    log_in(portal, JONAS.nir or "", remember=True)

    page = portal.page
    expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()
    assert "Première connexion" in portal.text() or "Dernière connexion le" in portal.text()
    for label in ("Mes paiements et mes droits", "Mes ressources", "Courriers", "Mon agenda"):
        expect(page.get_by_role("link", name=label)).to_be_visible()
    portal.check("mon-compte")
    log_out(portal)
    portal.check("deconnecte")

    # « Se souvenir de moi »: the next visit shows the NIR masked, and can forget it
    portal.open("/connexion")
    expect(page.locator(".masked-identifier")).to_have_text("1 85 ** ** *** 456")
    assert "123" not in portal.text()
    portal.check("identifiant-memorise")
    page.fill("#password", PASSWORD)
    portal.press("Se connecter")
    expect(page.locator("#last-login")).to_contain_text("Dernière connexion le")
    page.get_by_role("link", name="Mon historique").click()
    connections = page.get_by_role("table", name="Mes dernières connexions", exact=False)
    expect(connections.locator("tbody tr")).to_have_count(2)
    portal.check("historique")
    log_out(portal)
    portal.open("/connexion")
    portal.press("Oublier cet identifiant")
    expect(page.locator("#identifier")).to_be_visible()


def test_register_without_a_nir_nor_identity_document_then_recover_the_identifier(
    portal: Portal,
) -> None:
    identifier = register(portal, NOUR)
    assert re.fullmatch(r"P\d{8}", identifier)
    assert "Conservez bien cet identifiant" in portal.text()
    assert "justificatifs" in portal.text()
    # the récapitulatif without a NIR: the parents, as the seed lists them
    lines = portal.page.locator("#recap-civil-status-lines li").all_inner_texts()
    for line in ("Prénom(s) : NOUR", "Nom de naissance du parent 1 : MORVAN",
                 "Prénom(s) du parent 1 : JEAN", "Nom de naissance du parent 2 : DUVAL",
                 "Prénom(s) du parent 2 : ANNE", "Lieu de résidence : 92000"):  # fmt: skip
        assert line in lines, lines
    assert "Adresse mail : nour@exemple.fr" in portal.text()

    page = portal.page
    portal.open("/connexion")
    page.get_by_role("link", name="J'ai un identifiant provisoire").click()
    expect(page.get_by_label("Identifiant provisoire")).to_be_visible()
    page.get_by_role("link", name="Identifiant provisoire oublié ?").click()
    page.fill("#birth_name", NOUR.birth_name)
    page.fill("#first_names", NOUR.first_names)
    page.fill("#birth_date", NOUR.birth_date)
    portal.captcha()
    portal.check("identifiant-oublie")
    portal.press("Continuer")
    mail_choice = page.get_by_role("radio", name=re.compile(r"^Mail : n\S*@"))
    expect(mail_choice).to_be_visible()
    assert NOUR.contact not in portal.text()  # masked
    portal.check("identifiant-oublie-canal")
    seen = portal.stack.count_to(NOUR.contact)
    portal.press("Recevoir mon code")
    page.fill("#code", portal.stack.code_sent_to(NOUR.contact, after=seen))
    portal.press("Continuer")
    expect(page.locator("#journey-message")).to_contain_text("identifiant provisoire")
    portal.check("identifiant-envoye")
    mail = next(m for m in portal.stack.messages() if identifier in m["body"])
    assert mail["to"] == NOUR.contact

    log_in(portal, identifier)
    expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()


def test_failed_logins_ask_a_captcha_image_or_audio_then_freeze(portal: Portal) -> None:
    page = portal.page
    answers = []
    for _ in range(2):
        log_in(portal, JONAS.nir or "", password="Mauvais2024Mdp")
        answers.append(page.locator("#login-answer").inner_text())
    assert "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects." in answers[0]
    assert "Il vous reste 4 tentatives" in answers[0]
    assert "Il vous reste 3 tentatives" in answers[1]
    # the seed's second screen
    assert "Réessayez ou cliquez sur mot de passe oublié ?" not in answers[0]
    assert answers[1].endswith("Réessayez ou cliquez sur mot de passe oublié ?")
    log_in(portal, JONAS.nir or "", password="Mauvais2024Mdp")  # 3rd: a captcha from now on
    expect(page.get_by_role("group", name="Vérification de sécurité")).to_be_visible()
    expect(page.get_by_alt_text(re.compile("Image de vérification"))).to_be_visible()
    portal.check("captcha")

    # the audio challenge: digits only, a new single-use file per listen
    page.get_by_text("Vérification audio (à la place de l'image)").click()
    audio = page.request.get(portal.stack.url + "/verification-audio.wav")
    assert audio.headers["content-type"] == "audio/wav" and audio.body()[:4] == b"RIFF"
    assert audio.headers["cache-control"] == "no-store"
    page.fill("#password", "Mauvais2024Mdp")
    page.fill("#audio_answer", CAPTCHA)
    portal.check("captcha-audio")
    portal.press("Se connecter")
    expect(page.locator("#login-answer")).to_contain_text("Il vous reste 1 tentative.")

    page.fill("#password", "Mauvais2024Mdp")
    portal.captcha()
    portal.press("Se connecter")
    expect(page.locator("#login-answer")).to_contain_text(
        "Vous ne pouvez pas accéder à votre compte pendant 10 minutes"
    )
    portal.check("gel")
    # frozen: even the right password is not checked
    page.fill("#password", PASSWORD)
    page.fill("#captcha_answer", CAPTCHA) if page.locator("#captcha_answer").count() else None
    portal.press("Se connecter")
    expect(page.locator("#login-answer")).to_contain_text("Vous ne pouvez pas accéder")


def test_reset_the_password_lifts_the_freeze(portal: Portal) -> None:
    page = portal.page
    portal.open("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").first.click()
    page.fill("#nir", JONAS.nir or "")
    page.fill("#birth_name", JONAS.birth_name)
    portal.captcha()
    portal.check("mot-de-passe-oublie")
    portal.press("Continuer")
    expect(
        page.get_by_text("Nous allons vous envoyer un code de vérification par :")
    ).to_be_visible()
    portal.check("canal")
    seen = portal.stack.count_to(JONAS.contact)
    portal.press("Recevoir mon code")
    page.fill("#code", portal.stack.code_sent_to(JONAS.contact, after=seen))
    # identity's single-use note, in the seed's words
    expect(page.locator("#code-hint")).to_contain_text(
        "Nous vous invitons à saisir immédiatement votre nouveau mot de passe"
    )
    portal.check("code")
    portal.press("Continuer")
    expect(page.get_by_role("button", name="Abandonner")).to_be_visible()
    expect(page.get_by_label("Confirmation du nouveau mot de passe")).to_be_visible()
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirmation", NEW_PASSWORD)
    portal.press("Continuer")
    expect(page.get_by_role("heading", name="Nouveau mot de passe enregistré")).to_be_visible()
    expect(page.locator("#journey-message")).to_have_text(
        "Votre mot de passe a été modifié avec succès."
    )
    portal.check("nouveau-mot-de-passe")

    log_in(portal, JONAS.nir or "", password=NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()


def test_the_delegation_question_banner_and_refused_pages(
    portal: Portal, back_office: ConnexionClient
) -> None:
    members = [
        {"nir": person.nir, "role": role, "first_names": person.first_names,
         "birth_name": person.birth_name}
        for person, role in ((JONAS, "allocataire"), (FLORENCE, "conjoint"))
    ]  # fmt: skip
    back_office.call("delegation", "register_household", "0123456", members)
    register(portal, FLORENCE)
    page = portal.page

    # the spouse without delegation: refused on the server, whatever the menu shows
    log_in(portal, FLORENCE.nir or "")
    response = page.goto(portal.stack.url + "/mon-compte/rubrique/paiements")
    assert response is not None and response.status == 403
    expect(page.locator("#refusal-reason")).to_contain_text("délégation de gestion")
    portal.check("refus-403")
    response = page.goto(portal.stack.url + "/mon-compte/autorisations")
    assert response is not None and response.status == 403
    log_out(portal)

    # the allocataire's first login after the spouse appeared: the question, then the banner
    log_in(portal, JONAS.nir or "", password=NEW_PASSWORD)
    expect(page.locator("#account-holder")).to_have_text("JONAS DUCHAIS")
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_have_text(
        re.compile(r"Accueil\s*Mon Compte")
    )
    intro = page.locator("#delegation-intro")
    expect(intro).to_contain_text("Vous êtes le responsable de votre dossier Caf.")
    for bullet in ("consulter les droits et paiements", "déclarer des changements",
                   "demander une prestation"):  # fmt: skip
        expect(intro.get_by_role("listitem").filter(has_text=bullet)).to_be_visible()
    expect(
        page.get_by_text(
            'A tout moment, vous pourrez revenir sur votre choix dans le menu "Gérer Mon Compte".'
        )
    ).to_be_visible()
    question = page.get_by_role("group", name=re.compile("J'autorise Florence DUCHAIS"))
    expect(question).to_be_visible()
    portal.check("question-delegation")
    question.get_by_label("Oui").check()
    portal.press("Continuer")
    expect(page.locator("#delegation-banner")).to_have_text(
        "Vous autorisez Florence DUCHAIS à gérer votre dossier"
    )
    portal.check("bandeau-delegation")
    page.get_by_role("link", name="Mes autorisations").click()
    expect(page.get_by_label("Oui")).to_be_checked()
    expect(page.get_by_role("heading", name="Gérer mes autorisations")).to_be_visible()
    expect(page.locator("#current-authorization-text")).to_have_text(
        "Vous avez donné les droits de gestion de votre dossier à Florence DUCHAIS."
    )
    portal.check("mes-autorisations")
    # « Non », then « Valider », by keyboard: « Autorisation en cours » follows
    choose(page, page.get_by_label("Oui"), page.get_by_label("Non"))
    submit(page, page.get_by_role("button", name="Valider", exact=True))
    expect(page.locator("#current-authorization-text")).to_have_text(
        "Vous n'avez pas donné les droits de gestion de votre dossier à Florence DUCHAIS."
    )
    portal.check("autorisation-retiree")
    choose(page, page.get_by_label("Non"), page.get_by_label("Oui"))
    submit(page, page.get_by_role("button", name="Valider", exact=True))
    expect(page.locator("#current-authorization-text")).to_contain_text("Vous avez donné")
    log_out(portal)

    # now the spouse may open the page, which honestly says it lies outside this system
    log_in(portal, FLORENCE.nir or "")
    page.get_by_role("link", name="Mes paiements et mes droits").click()
    expect(page.locator("#out-of-scope")).to_contain_text(
        "hors du périmètre de cette démonstration"
    )
    portal.check("hors-perimetre")


def test_every_step_has_its_own_title() -> None:
    # Filled by the journeys above (portal.check): a title never names two different steps.
    assert len(TITLES) >= 15
    shared = {title: headings for title, headings in TITLES.items() if len(headings) > 1}
    assert not shared


def test_franceconnect_binds_state_to_the_browser_links_once_and_logs_out_there(
    portal: Portal,
) -> None:
    page = portal.page
    # a callback this browser did not ask for is refused before identity is asked (login CSRF)
    response = page.goto(portal.stack.url + "/franceconnect/retour?code=x&state=forged")
    assert response is not None and response.status == 400

    portal.open("/connexion")
    page.get_by_role("link", name="S'identifier avec FranceConnect").click()
    expect(page.get_by_role("heading", name="Associer FranceConnect à mon compte")).to_be_visible()
    portal.check("franceconnect-associer")
    page.get_by_role("link", name="Se connecter avec mon numéro de Sécurité sociale").click()
    page.fill("#identifier", JONAS.nir or "")
    page.fill("#password", NEW_PASSWORD)
    portal.press("Se connecter")
    expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()
    log_out(portal)

    # linked: FranceConnect alone opens Mon Compte, and logout goes through FranceConnect
    portal.open("/connexion")
    page.get_by_role("link", name="S'identifier avec FranceConnect").click()
    expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()
    portal.check("franceconnect-connecte")
    page.get_by_role("button", name="Déconnexion").click()
    expect(page.get_by_role("heading", name="Vous êtes déconnecté")).to_be_visible()
