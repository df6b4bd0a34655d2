"""What axe cannot see (RGAA 4.1), and the portal's security headers, in Chromium on the real
system: error summary and titles, autocomplete, skip link, keyboard-only login and
registration, live password
bubbles, paste, « afficher le mot de passe », the session-expiry warning, version contrastée."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .journeys import PASSWORD, Person, log_in, register
from .keyboard import choose, submit, type_into
from .portal import Portal
from .stack import CAPTCHA, Stack

LINA = Person("1720875056012", "Madame", "Roux", "Lina", "08/08/1972", "lina@exemple.fr")
ADA = Person("2900192050127", "Madame", "Lenoir", "Ada", "02/02/1990", "ada@exemple.fr")
KEYBOARD = Person("2910375056023", "Madame", "Clavier", "Inès", "03/03/1991", "ines@exemple.fr")


def test_a_wrong_form_has_an_error_summary_linked_to_fields_and_a_counting_title(
    portal: Portal,
) -> None:
    page = portal.open("/mot-de-passe-oublie")
    page.fill("#nir", "123")
    portal.press("Continuer")

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert re.match(r"Erreur : \d+ champs? à corriger – Mot de passe oublié", page.title())
    link = summary.get_by_role("link").first
    target = link.get_attribute("href") or ""
    field = page.locator(target)
    expect(field).to_have_attribute("aria-invalid", "true")
    described = (field.get_attribute("aria-describedby") or "").split()
    assert f"{target[1:]}-error" in described
    portal.check("resume-des-erreurs")
    link.click()
    expect(field).to_be_focused()


def test_identity_fields_carry_autocomplete_and_the_skip_link_reaches_the_content(
    portal: Portal,
) -> None:
    page = portal.open("/creer-mon-compte/etat-civil")
    for field, token in {
        "birth_name": "family-name",
        "first_names": "given-name",
        "birth_date": "bday",
        "postal_code": "postal-code",
    }.items():
        expect(page.locator(f"#{field}")).to_have_attribute("autocomplete", token)
    portal.open("/connexion")
    expect(page.locator("#identifier")).to_have_attribute("autocomplete", "username")
    expect(page.locator("#password")).to_have_attribute("autocomplete", "current-password")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_keyboard_only_login(portal: Portal) -> None:
    register(portal, LINA)
    page = portal.open("/connexion")
    page.locator("#identifier").focus()
    page.keyboard.type(LINA.nir or "")
    page.keyboard.press("Tab")  # « J'ai un identifiant provisoire »
    page.keyboard.press("Tab")  # Mot de passe
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()


def test_password_bubbles_paste_and_show_password(portal: Portal) -> None:
    page = portal.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    register(portal, ADA)
    log_in(portal, ADA.nir or "")
    page.get_by_role("link", name="Modifier mon mot de passe").click()

    bubbles = page.locator("#password-rules")
    expect(bubbles).to_have_attribute("aria-live", "polite")
    page.locator("#password").press_sequentially("abc")
    expect(bubbles.locator("[data-rule=lower] .rule-state")).to_have_text("(respecté)")
    expect(bubbles.locator("[data-rule=upper] .rule-state")).to_have_text("(non respecté)")
    page.locator("#password").press_sequentially("DEF1234567")
    for rule in ("length", "digit", "lower", "upper", "alnum", "common"):
        expect(bubbles.locator(f"[data-rule={rule}] .rule-state")).to_have_text("(respecté)")
    portal.check("bulles")

    # the sixth bubble, before any submit: identity knows « Azerty123456 » as a common password
    page.locator("#password").fill("")
    page.locator("#password").press_sequentially("Azerty123456")
    expect(bubbles.locator("[data-rule=alnum] .rule-state")).to_have_text("(respecté)")
    expect(bubbles.locator("[data-rule=common] .rule-state")).to_have_text("(non respecté)")
    expect(bubbles.locator("[data-rule=common] .rule-label")).to_have_text(
        "pas un mot de passe courant"
    )
    portal.check("bulle-mot-de-passe-courant")
    page.locator("#password").fill("")
    page.locator("#password").press_sequentially("abcDEF1234567")
    expect(bubbles.locator("[data-rule=common] .rule-state")).to_have_text("(respecté)")

    # paste into the field typed twice
    page.evaluate("navigator.clipboard.writeText('abcDEF1234567')")
    page.locator("#confirmation").focus()
    page.keyboard.press("Control+V")
    expect(page.locator("#confirmation")).to_have_value("abcDEF1234567")

    show = page.get_by_role("button", name="Afficher le mot de passe").nth(1)
    show.click()
    expect(page.locator("#password")).to_have_attribute("type", "text")
    expect(page.get_by_role("button", name="Masquer le mot de passe")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_session_about_to_expire_is_announced_and_extended_by_one_action(
    portal: Portal, stack: Stack
) -> None:
    # A portal warning from the start of the 15-minute session: no waiting in the test.
    url, process = stack.gateway(GATEWAY_SESSION_WARNING_S="3600")
    try:
        page = portal.page
        page.goto(url + "/connexion")
        page.fill("#identifier", LINA.nir or "")
        page.fill("#password", PASSWORD)
        portal.press("Se connecter")
        warning = page.locator("#session-expiry")
        expect(warning).to_be_visible()
        expect(warning).to_have_attribute("aria-live", "polite")
        expect(warning).to_contain_text("Votre session va expirer dans")
        before = page.locator("body").get_attribute("data-session-expires-at")
        page.wait_for_timeout(1100)  # tokens carry whole seconds
        page.get_by_role("button", name="Prolonger ma session").click()
        expect(page.get_by_role("heading", name="Mon Compte", exact=True)).to_be_visible()
        after = page.locator("body").get_attribute("data-session-expires-at")
        assert before and after and after > before
    finally:
        process.terminate()
        process.wait(15)


def test_logging_out_everywhere_ends_the_other_devices_sessions(portal: Portal) -> None:
    page = portal.page
    other = page.context.browser.new_context()  # type: ignore[union-attr]
    other_page = other.new_page()
    try:
        other_page.goto(portal.stack.url + "/connexion")
        other_page.fill("#identifier", LINA.nir or "")
        other_page.fill("#password", PASSWORD)
        other_page.get_by_role("button", name="Se connecter", exact=True).click()
        log_in(portal, LINA.nir or "")
        portal.press("Se déconnecter de tous les appareils")
        other_page.goto(portal.stack.url + "/mon-compte")
        assert other_page.url.endswith("/connexion")
    finally:
        other.close()


def test_security_headers_csrf_and_version_contrastee(portal: Portal) -> None:
    page = portal.page
    response = page.goto(portal.stack.url + "/connexion")
    assert response is not None
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    forged = page.request.post(
        portal.stack.url + "/connexion", form={"identifier": "1850575123456", "password": "x"}
    )
    assert forged.status == 400 and "Formulaire expiré" in forged.text()

    portal.press("Version contrastée")
    expect(page.locator("link[href$='contraste.css']")).to_have_count(1)
    portal.check("version-contrastee")
    portal.press("Version standard")
    expect(page.locator("link[href$='contraste.css']")).to_have_count(0)


def test_probes_say_live_and_ready_once_identity_answers(stack: Stack) -> None:
    import requests

    assert requests.get(stack.url + "/health/live", timeout=10).json() == {"status": "ok"}
    assert requests.get(stack.url + "/health/ready", timeout=10).json() == {"status": "ok"}


def test_keyboard_only_registration(portal: Portal) -> None:
    """CRÉER MON COMPTE from the introduction to the récapitulatif with the keyboard alone."""
    page = portal.open("/creer-mon-compte")
    submit(page, page.get_by_role("button", name="Commencer", exact=True))

    type_into(page, page.locator("#nir"), KEYBOARD.nir or "")
    madame = page.get_by_label("Madame", exact=True)
    choose(page, page.locator("input[type=radio][name=civility]").first, madame)
    expect(madame).to_be_checked()
    for field, value in {
        "#birth_name": KEYBOARD.birth_name,
        "#first_names": KEYBOARD.first_names,
        "#birth_date": KEYBOARD.birth_date,
        "#birth_place_department": "75",
        "#birth_place_commune": "Paris",
        "#postal_code": "92000",
    }.items():
        type_into(page, page.locator(field), value)
    type_into(page, page.get_by_label("Saisir les caractères ci-dessus"), CAPTCHA)
    submit(page, page.get_by_role("button", name="Continuer", exact=True))

    card = page.get_by_label("Carte d'identité française")
    choose(page, page.locator("input[type=radio]").first, card)
    type_into(page, page.locator("#identity_document_number"), "X4RTBPFW4")
    type_into(page, page.locator("#identity_document_issue_date"), "12/03/2019")
    submit(page, page.get_by_role("button", name="Continuer", exact=True))

    mail = page.get_by_role("radio", name="Adresse mail")
    choose(page, page.locator("input[type=radio]").first, mail)
    type_into(page, page.locator("#address"), KEYBOARD.contact)
    type_into(page, page.locator("#confirmation"), KEYBOARD.contact)
    seen = portal.stack.count_to(KEYBOARD.contact)
    submit(page, page.get_by_role("button", name="Recevoir mon code", exact=True))

    code = portal.stack.code_sent_to(KEYBOARD.contact, after=seen)
    type_into(page, page.locator("#code"), code)
    submit(page, page.get_by_role("button", name="Continuer", exact=True))

    type_into(page, page.locator("#password"), PASSWORD)
    type_into(page, page.locator("#confirmation"), PASSWORD)
    submit(page, page.get_by_role("button", name="Valider", exact=True))

    expect(
        page.get_by_role("heading", name="Récapitulatif de ma création de compte")
    ).to_be_visible()
    portal.check("inscription-au-clavier")
