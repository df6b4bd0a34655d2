"""The portal screen by screen against the seed (issue #30): the « ? » help, « Bon à savoir ! »
and the security advice, every exit (« Quitter », « Abandonner »), the benefit entry, the full
récapitulatif. Each new state is reached with the keyboard alone, screenshotted and checked by
axe (portal.check)."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from connexion_client import ConnexionClient, InvalidInput

from .journeys import PASSWORD, Person, log_in, log_out, register
from .keyboard import submit, tab_to, type_into
from .portal import Portal

MARC = Person(
    "1920375111222",
    "Monsieur",
    "Morel",
    "Marc Antoine",
    "10/03/1992",
    "marc@exemple.fr",
    usage_name="Morel Petit",
)
YAEL = Person("2950675222333", "Madame", "Bastide", "Yaël", "12/06/1995", "yael@exemple.fr")
ALS_ADDRESS = "/mon-compte/rubrique/demande-prestation"  # the default BENEFIT_REQUESTS


def portal_session(page: Page) -> dict[str, Any]:
    """What the portal keeps in its signed (not encrypted) session cookie, read as a browser
    extension could: the registration's id, never a personal value."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "mon_compte")["value"]
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if compressed else data)


def test_the_help_opens_by_keyboard_and_the_security_advice_is_one_link_away(
    portal: Portal,
) -> None:
    page = portal.open("/connexion")
    expect(page.get_by_role("heading", name="Bon à savoir !")).to_be_visible()
    good_to_know = page.locator(".good-to-know")
    expect(good_to_know).to_contain_text("Où trouver le numéro de sécurité sociale")
    for where in ("carte Vitale", "bulletins de salaire", "attestation de droits"):
        expect(good_to_know).to_contain_text(where)
    expect(page.locator(".privacy-notice")).to_contain_text(
        "Pour consulter nos conseils de sécurité, suivez le guide."
    )

    # « ? »: a disclosure, closed until the person opens it (Enter), never on hover
    toggle = page.get_by_text("Aide : Numéro de Sécurité sociale")
    help_text = page.locator("#identifier-aide p")
    expect(help_text).to_be_hidden()
    page.locator("#identifier").hover()
    expect(help_text).to_be_hidden()
    tab_to(page, page.locator("#identifier-aide summary"))
    page.keyboard.press("Enter")
    expect(help_text).to_be_visible()
    expect(help_text).to_contain_text("recto de la carte Vitale")
    expect(page.locator("#identifier-aide")).to_have_attribute("open", "")
    assert toggle.count() == 1
    portal.check("aide-ouverte")

    submit(page, page.get_by_role("link", name="suivez le guide"))
    expect(page.get_by_role("heading", name="Conseils de sécurité", level=1)).to_be_visible()
    assert "ne vous demande jamais votre mot de passe" in portal.text()
    assert "hameçonnage" in portal.text()
    portal.check("conseils-de-securite")


def test_quitter_ends_the_registration_in_identity_and_keeps_nothing(
    portal: Portal, back_office: ConnexionClient
) -> None:
    page = portal.open("/creer-mon-compte")
    expect(page.get_by_role("button", name="Quitter")).to_be_visible()  # on the introduction
    submit(page, page.get_by_role("button", name="Commencer", exact=True))
    page.fill("#nir", YAEL.nir or "")
    page.get_by_label(YAEL.civility, exact=True).check()
    page.fill("#birth_name", YAEL.birth_name)
    page.fill("#first_names", YAEL.first_names)
    page.fill("#birth_date", YAEL.birth_date)
    page.fill("#birth_place_department", "75")
    page.fill("#birth_place_commune", "Paris")
    page.fill("#postal_code", "75006")
    portal.captcha()
    portal.press("Continuer")
    expect(page.get_by_role("button", name="Quitter")).to_be_visible()  # pièce d'identité
    page.get_by_label("Carte d'identité française").check()
    page.fill("#identity_document_number", "X4RTBPFW4")
    page.fill("#identity_document_issue_date", "12/03/2019")
    portal.press("Continuer")
    expect(page.get_by_role("heading", name="Coordonnées de contact")).to_be_visible()
    registration_id = portal_session(page)["registration_id"]

    submit(page, page.get_by_role("button", name="Quitter", exact=True))

    expect(page.get_by_role("heading", name="Création de compte abandonnée")).to_be_visible()
    expect(page.locator("#journey-message")).to_contain_text("n'ont pas été conservées")
    portal.check("creation-abandonnee")
    # identity ended it: no step can go on, whoever holds the id
    with pytest.raises(InvalidInput) as refused:
        back_office.call("identity", "send_registration_code", registration_id, "email",
                         YAEL.contact, YAEL.contact)  # fmt: skip
    assert refused.value.code == "registration_abandoned"
    # the portal kept nothing either: the steps start over, empty
    assert "registration_id" not in portal_session(page)
    page.goto(portal.stack.url + "/creer-mon-compte/coordonnees")
    expect(page.get_by_role("heading", name="Créer Mon Compte")).to_be_visible()
    page.goto(portal.stack.url + "/creer-mon-compte/etat-civil")
    expect(page.locator("#birth_name")).to_have_value("")


def test_abandonner_leaves_mot_de_passe_oublie(portal: Portal) -> None:
    page = portal.open("/mot-de-passe-oublie")
    expect(page.get_by_label("Numéro de Sécurité sociale")).to_be_visible()
    expect(page.locator("#nir-hint")).to_have_text("13 caractères")
    portal.check("mot-de-passe-oublie-abandonner")
    submit(page, page.get_by_role("button", name="Abandonner", exact=True))
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    assert page.url.endswith("/connexion")


def test_the_benefit_entry_leads_to_its_configured_address_only(portal: Portal) -> None:
    page = portal.open("/connexion?prestation=ALS")
    intro = "Pour faire une demande de prestation, vous devez vous connecter ou créer un compte."
    expect(page.locator("#benefit-request-intro")).to_have_text(intro)
    for text in ("Créer un compte", "Déjà un compte ?"):
        expect(page.get_by_role("heading", name=text)).to_be_visible()
    expect(page.get_by_role("button", name="Se connecter", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="S'identifier avec FranceConnect")).to_be_visible()
    expect(page.get_by_role("button", name="Quitter")).to_be_visible()
    portal.check("demande-de-prestation")

    # « Créer un compte »: the registration records the request, the récapitulatif says what next
    submit(page, page.get_by_role("button", name="Créer un compte"))
    register(portal, MARC, start=None)
    lines = page.locator("#recap-civil-status-lines li").all_inner_texts()
    assert lines == [
        "Civilité : MONSIEUR",
        "Nom de naissance : MOREL",
        "Prénom(s) : MARC ANTOINE",
        "Nom d'usage : MOREL PETIT",
        "Date de naissance : 10/03/1992",
        "Département de naissance : 75",
        "Commune de naissance : PARIS",
        "Lieu de résidence : 92000",
        "Numéro de carte d'identité : X4RTBPFW4",
        "Date de délivrance : 12/03/2019",
    ]
    expect(page.locator(".recap").last).to_contain_text("Adresse mail : marc@exemple.fr")
    expect(page.locator("#benefit-next")).to_be_visible()
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#benefit-pending")).to_be_visible()
    page.fill("#identifier", MARC.nir or "")
    page.fill("#password", PASSWORD)
    portal.press("Se connecter")
    expect(page).to_have_url(portal.stack.url + ALS_ADDRESS)
    log_out(portal)

    # « Déjà un compte ? Se connecter », by keyboard: the configured address again
    page = portal.open("/connexion?prestation=ALS")
    submit(page, page.get_by_role("button", name="Se connecter", exact=True))
    expect(page.locator("#benefit-pending")).to_be_visible()
    portal.check("connexion-pour-une-prestation")
    type_into(page, page.locator("#identifier"), MARC.nir or "")
    type_into(page, page.locator("#password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(portal.stack.url + ALS_ADDRESS)  # (wait_for_url hangs under eventlet)
    log_out(portal)

    # an address in the request is never followed; a code not configured is the plain page
    for code in ("https://exemple.invalid/piege", "//exemple.invalid", "PAJE"):
        page = portal.open(f"/connexion?prestation={code}")
        expect(page.locator("#benefit-request-intro")).to_have_count(0)
        expect(page.locator("#benefit-pending")).to_have_count(0)

    # « Quitter »: the request is forgotten, the next login opens Mon Compte
    page = portal.open("/connexion?prestation=ALS")
    submit(page, page.get_by_role("button", name="Quitter", exact=True))
    expect(page.locator("#benefit-pending")).to_have_count(0)
    log_in(portal, MARC.nir or "")
    expect(page).to_have_url(portal.stack.url + "/mon-compte")
    expect(page.locator("#account-holder")).to_have_text("MARC MOREL PETIT")
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Accueil")
