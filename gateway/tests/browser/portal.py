"""What every browser test does on every page: a screenshot under var/screenshots/, axe-core with
no serious or critical violation, and the checks axe cannot make (lang, one title per step)."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .stack import CAPTCHA, Stack

AXE = Axe()
#: Every <title> seen, with the main headings of the pages that carried it (RGAA 8.6).
TITLES: dict[str, set[str]] = {}


class Portal:
    def __init__(self, page: Page, stack: Stack, screenshots: Path, test: str):
        self.page = page
        self.stack = stack
        self.screenshots = screenshots
        self.test = test
        self.step = 0

    def open(self, path: str) -> Page:
        self.page.goto(self.stack.url + path)
        return self.page

    def check(self, name: str) -> None:
        """Screenshot, then axe (serious and critical violations fail the test)."""
        self.step += 1
        self.page.screenshot(
            path=str(self.screenshots / f"{self.test}-{self.step:02d}-{name}.png"), full_page=True
        )
        assert self.page.locator("html").get_attribute("lang") == "fr"
        title = self.page.title()
        assert title.endswith("– Mon Compte"), title
        TITLES.setdefault(title, set()).add(self.page.locator("h1").first.inner_text())
        results = AXE.run(self.page)
        grave = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not grave, f"axe on {name}: {grave}"

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def press(self, button: str) -> None:
        self.page.get_by_role("button", name=button, exact=True).click()

    def captcha(self) -> None:
        self.fill("Saisir les caractères ci-dessus", CAPTCHA)

    def text(self) -> str:
        return re.sub(r"\s+", " ", self.page.locator("main").inner_text())
