"""The console with the keyboard only (RGAA 12.13) and axe-core on every screen (no serious or
critical violation), as gateway/tests/browser does for the portal."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from gateway.tests.browser.keyboard import submit, tab_to, type_into
from shared.testing.journeys.people import Person

from .agents import AgentsStack, Console, People

AXE = Axe()
ROSE = Person(
    "Rose", "Bernard", "Mme", "12/08/1988", nir="2 88 04 75 300 021", email="rose@exemple.fr"
)


def axe_clean(page: Page, screen: str) -> None:
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.title().endswith("— Console des agents"), page.title()
    results = AXE.run(page)
    grave = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not grave, f"axe on {screen}: {grave}"


def test_claire_lifts_a_freeze_with_the_keyboard_only_on_axe_clean_screens(
    console: Console, people: People, agents_stack: AgentsStack
) -> None:
    """Given Rose frozen, when Claire signs in, finds her and lifts the freeze with Tab, typing,
    arrow keys and Enter only, then it is done, and every screen on the way is axe clean
    (an error summary too)."""
    identifier = people.register(ROSE)
    people.freeze(identifier)
    page = console.page
    page.goto(console.url + "/")
    axe_clean(page, "home")
    tab_to(page, page.get_by_role("button", name="Se connecter avec mon compte agent"))
    page.keyboard.press("Enter")
    type_into(page, page.locator("#username"), "claire.dupont")
    type_into(page, page.locator("#password"), "Accueil-Caf-2026")
    submit(page, page.get_by_role("button", name="Continuer"))
    type_into(page, page.locator("#code"), "123456")
    submit(page, page.get_by_role("button", name="Valider"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher une personne")
    axe_clean(page, "search")

    submit(page, page.get_by_role("button", name="Rechercher"))  # nothing typed
    expect(page.get_by_role("alert")).to_contain_text("2 erreurs")
    axe_clean(page, "search-errors")

    type_into(page, page.locator("#identifier"), ROSE.nir or "")
    tab_to(page, page.locator("#reason"))
    page.keyboard.press("ArrowDown")  # the first reason of the list
    submit(page, page.get_by_role("button", name="Rechercher"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier de la personne")
    axe_clean(page, "dossier")

    tab_to(page, page.get_by_role("link", name="Lever le gel du compte"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lever le gel du compte")
    axe_clean(page, "action")
    submit(page, page.get_by_role("button", name="Continuer"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmer")
    axe_clean(page, "confirm")
    submit(page, page.get_by_role("button", name="Confirmer"))
    expect(page.get_by_role("status")).to_contain_text("Lever le gel du compte : c'est fait.")
    assert people.login(identifier)["outcome"] == "ok"


def test_the_refusal_screens_are_axe_clean(console: Console) -> None:
    console.sign_in("claire.dupont", second_factor=False)
    expect(console.page.get_by_role("heading", level=1)).to_have_text("Connexion refusée")
    axe_clean(console.page, "acr-refused")
    console.page.goto(console.url + "/nulle-part")
    axe_clean(console.page, "not-found")
