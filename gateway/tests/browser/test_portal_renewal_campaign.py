"""« Protégez-vous, modifiez votre mot de passe »: during the renewal campaign a login carries
password_change_recommended; its button opens « Mot de passe oublié » with the session ended
(a code to the contacts on file, so a stolen password cannot renew itself). A stack of its own:
the campaign's dates are identity's settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lockout.captcha_voices import generate
from playwright.sync_api import Browser, expect

from shared.testing.infrastructure import Vhost

from .journeys import Person, log_in, register
from .portal import Portal
from .stack import Stack

SAMIA = Person("2800275056033", "Madame", "Benali", "Samia", "05/02/1980", "samia@exemple.fr")


@pytest.fixture(scope="module")
def campaign_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    vhost = Vhost()
    vhost.create()
    voices = tmp_path_factory.mktemp("voices")
    generate(voices)
    running = Stack(
        vhost.uri,
        tmp_path_factory.mktemp("campaign-stack"),
        voices,
        RENEWAL_ENCOURAGE_FROM="2020-01-01",
        RENEWAL_ENFORCE_FROM="2099-01-01",
        RENEWAL_CHANGED_BEFORE="2099-01-01",  # every password is concerned
    ).start()
    yield running
    running.stop()
    vhost.delete()


def test_the_campaign_interstitial_leads_to_mot_de_passe_oublie(
    browser: Browser, campaign_stack: Stack
) -> None:
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    screenshots = Path(__file__).resolve().parents[3] / "var" / "screenshots"
    portal = Portal(page, campaign_stack, screenshots, "renewal_campaign")
    try:
        register(portal, SAMIA)
        log_in(portal, SAMIA.nir or "")
        heading = page.get_by_role("heading", name="Protégez-vous, modifiez votre mot de passe")
        expect(heading).to_be_visible()
        portal.check("protegez-vous")
        portal.press("Accéder au changement de mot de passe")
        expect(page.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()
        response = page.goto(campaign_stack.url + "/mon-compte")  # the session has ended
        assert response is not None and page.url.endswith("/connexion")
    finally:
        context.close()
