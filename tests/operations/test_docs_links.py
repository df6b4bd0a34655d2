"""Docs stay true: every relative link, and every page named in backquotes, exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "deploy/k8s/README.md"]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
NAMED_PAGE = re.compile(r"`([\w./-]+\.md)`")
#: the team's specification and style guide, kept beside the repository, not in it
OUTSIDE = {"SPEC.md", "STYLE.md"}


def test_every_relative_link_and_named_page_exists() -> None:
    broken = []
    for page in PAGES:
        text = page.read_text()
        for target in LINK.findall(text):
            if not re.match(r"[a-z]+:", target) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
        for name in NAMED_PAGE.findall(text):
            candidates = [page.parent / name, ROOT / name, ROOT / "docs" / name]
            if name not in OUTSIDE and not any(path.exists() for path in candidates):
                broken.append(f"{page.relative_to(ROOT)} names `{name}`")
    assert not broken, broken
