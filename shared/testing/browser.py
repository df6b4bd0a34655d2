"""One headless Chromium for the whole test session (Debian's, driven by Playwright), shared by
every browser test: the portal's (gateway/tests/browser) and the agents' console's
(console/tests/browser). Playwright's sync API allows one instance per thread, so the browser is
a fixture of this plugin (conftest.py's ``pytest_plugins``), never of a suite's own conftest.
Each test gets its own browser context (cookies) through ``page``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


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
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()
