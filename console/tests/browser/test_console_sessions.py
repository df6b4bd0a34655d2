"""The agent's session: a multi-factor sign-in only, an idle timeout, the logout at the
provider and at the console, in the browser against the development agents' provider."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from .agents import AgentsStack, Console


def test_a_sign_in_without_the_second_factor_is_refused(console: Console) -> None:
    """Given Claire signing in with her password only (acr pwd), then the console refuses with
    a French page about the second factor and keeps no session."""
    console.sign_in("claire.dupont", second_factor=False)
    page = console.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion refusée")
    expect(page.get_by_role("alert")).to_contain_text("second facteur")
    console.shot("acr-refused")
    page.goto(console.url + "/recherche")
    expect(page.get_by_role("heading", level=1)).to_have_text("Console des agents")


def test_an_idle_session_ends(console: Console, agents_stack: AgentsStack) -> None:
    """Given a console whose sessions end after 2 s without a request, when Claire comes back
    after 3 s, then she is sent to sign in again, told that her session expired."""
    url, process = agents_stack.console(
        CONSOLE_SESSION_IDLE_TIMEOUT_S="2", CONSOLE_SESSION_ABSOLUTE_TIMEOUT_S="3600"
    )
    try:
        console.url = url
        console.sign_in("claire.dupont")
        expect(console.page.get_by_role("heading", level=1)).to_have_text("Rechercher une personne")
        time.sleep(3)
        console.page.goto(url + "/recherche")
        expect(console.page.get_by_role("status")).to_contain_text("Votre session a expiré")
    finally:
        process.terminate()
        process.wait(15)


def test_a_logout_at_the_provider_ends_the_console_session(
    console: Console, agents_stack: AgentsStack
) -> None:
    """Given Claire signed in, when she logs out at the agency's provider (another tab), then
    the console's next call is refused by the token exchange and her console session ends."""
    console.sign_in("claire.dupont")
    page = console.page
    provider = page.context.new_page()
    provider.goto(agents_stack.issuer + "/")
    provider.get_by_role("button", name="Se déconnecter du fournisseur d'identité").click()
    expect(provider.get_by_role("heading", level=1)).to_contain_text("déconnecté")
    console.find("1 85 05 75 123 456")
    expect(page.get_by_role("status")).to_contain_text("a pris fin auprès du fournisseur")
    page.goto(console.url + "/dossier")
    expect(page.get_by_role("heading", level=1)).to_have_text("Console des agents")


def test_logging_out_of_the_console_ends_the_provider_session_too(console: Console) -> None:
    """When Claire logs out of the console, then she is logged out at the provider as well:
    signing in again asks for her password."""
    console.sign_in("claire.dupont")
    page = console.page
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes déconnecté")
    page.get_by_role("link", name="Se connecter de nouveau").click()
    expect(page.get_by_label("Identifiant agent")).to_be_visible()
