"""The seed's journeys as a person does them in the browser, shared by the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

from .portal import Portal

PASSWORD = "Bonjour2024Caf"


@dataclass(frozen=True)
class Person:
    nir: str | None
    civility: str  # "Madame" | "Monsieur"
    birth_name: str
    first_names: str
    birth_date: str
    contact: str  # an e-mail address or a French mobile number
    no_document: bool = False
    usage_name: str | None = None


def register(
    portal: Portal,
    person: Person,
    password: str = PASSWORD,
    start: str | None = "/creer-mon-compte",
) -> str:
    """CRÉER MON COMPTE from the seed's entry page to the récapitulatif; the identifier shown.
    ``start=None``: from the introduction already open (reached from another page)."""
    page = portal.page
    if start:
        portal.open(start)
    portal.check("introduction")
    if person.nir is None:
        page.get_by_label("Non, je n'ai pas encore de numéro de Sécurité sociale").check()
    portal.press("Commencer")
    if person.nir:
        page.fill("#nir", person.nir)
    page.get_by_label(person.civility, exact=True).check()
    page.fill("#birth_name", person.birth_name)
    page.fill("#first_names", person.first_names)
    if person.usage_name:
        page.fill("#usage_name", person.usage_name)
    page.fill("#birth_date", person.birth_date)
    page.fill("#birth_place_department", "75")
    page.fill("#birth_place_commune", "Paris")
    page.fill("#postal_code", "92000")
    if person.nir is None:
        for parent, (name, first) in {"1": ("Morvan", "Jean"), "2": ("Duval", "Anne")}.items():
            page.fill(f"#parent_{parent}_birth_name", name)
            page.fill(f"#parent_{parent}_first_names", first)
    portal.captcha()
    portal.check("etat-civil")
    portal.press("Continuer")
    if person.no_document:
        page.get_by_label("Je ne dispose pas d'une pièce d'identité française").check()
        portal.press("Continuer")
        assert page.get_by_role("heading", name="Absence de pièce d'identité").is_visible()
        portal.check("absence-de-piece")
        portal.press("Continuer")
    else:
        page.get_by_label("Carte d'identité française").check()
        page.fill("#identity_document_number", "X4RTBPFW4")
        page.fill("#identity_document_issue_date", "12/03/2019")
        portal.check("piece-identite")
        portal.press("Continuer")
    by_mail = "@" in person.contact
    channel = "Adresse mail" if by_mail else "Numéro de téléphone portable"
    page.get_by_role("radio", name=channel).check()
    page.fill("#address", person.contact)
    page.fill("#confirmation", person.contact)
    portal.check("coordonnees")
    seen = portal.stack.count_to(person.contact)
    portal.press("Recevoir mon code")
    page.fill("#code", portal.stack.code_sent_to(person.contact, after=seen))
    portal.check("code")
    portal.press("Continuer")
    page.fill("#password", password)
    page.fill("#confirmation", password)
    portal.check("mot-de-passe")
    portal.press("Valider")
    assert page.get_by_role("heading", name="Récapitulatif de ma création de compte").is_visible()
    portal.check("recapitulatif")
    return page.locator("#new-identifier").inner_text().strip()


def log_in(
    portal: Portal, identifier: str, password: str = PASSWORD, remember: bool = False
) -> None:
    page = portal.page
    portal.open("/connexion")
    if identifier.upper().startswith("P"):
        page.get_by_role("link", name="J'ai un identifiant provisoire").click()
    if page.locator("#identifier").count():
        page.fill("#identifier", identifier)
    page.fill("#password", password)
    if remember:
        page.get_by_label("Se souvenir de moi").check()
    portal.press("Se connecter")


def log_out(portal: Portal) -> None:
    portal.page.get_by_role("button", name="Déconnexion").click()
    assert portal.page.get_by_role("heading", name="Vous êtes déconnecté").is_visible()
