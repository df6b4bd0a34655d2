"""Browser tests of the portal: Playwright driving Debian's Chromium (headless) through the real
system (stack.py). One browser for the session; each test its own browser context (cookies)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lockout.captcha_voices import generate
from playwright.sync_api import Browser, Page, sync_playwright

from connexion_client import ConnexionClient
from shared.testing.infrastructure import Vhost

from .portal import Portal
from .stack import ROOT, Stack

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "var" / "screenshots"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    vhost = Vhost()
    vhost.create()
    voices = tmp_path_factory.mktemp("captcha-voices")
    generate(voices)
    running = Stack(vhost.uri, tmp_path_factory.mktemp("portal-stack"), voices).start()
    yield running
    running.stop()
    vhost.delete()


@pytest.fixture(scope="session")
def back_office(stack: Stack) -> Iterator[ConnexionClient]:
    """RPC as the agency's back office would call it (households), outside the portal."""
    client = ConnexionClient(stack.env["AMQP_URI"], timeout=30)
    yield client
    client.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: make portal-deps installs it (apt-get install chromium)")
    # Not stopped: Playwright's stop() never returns under eventlet (the test process is
    # monkey-patched for nameko); its driver ends with the process, as the browser does here.
    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    )
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def portal(page: Page, stack: Stack, request: pytest.FixtureRequest) -> Portal:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return Portal(page, stack, SCREENSHOTS, request.node.name.removeprefix("test_"))
