"""The Makefile documents itself: `make help` lists every target, from its `## ` comment."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = re.compile(r"^([a-z][a-z0-9-]*):(?!=)", re.MULTILINE)


def test_make_help_lists_every_target_with_its_description() -> None:
    targets = set(TARGET.findall((ROOT / "Makefile").read_text()))
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {}
    for line in shown.splitlines():
        name, _, description = line.strip().removeprefix("make ").partition(" ")
        listed[name] = description.strip()
    assert {"infra", "dead-letters", "lock", "supply-chain", "sbom", "k8s-check"} <= targets
    assert set(listed) == targets, targets ^ set(listed)
    assert all(listed.values()), [name for name, text in listed.items() if not text]


def test_the_virtualenv_and_the_image_install_only_hash_checked_packages() -> None:
    makefile = (ROOT / "Makefile").read_text()
    installs = re.findall(r"pip install [^\n]*", makefile)
    assert installs and all("--require-hashes" in line for line in installs), installs
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = re.findall(r"pip install [^\n]*", dockerfile)
    assert installs and all("--require-hashes" in line for line in installs), installs
    for pinned in ("requirements.txt", "requirements-dev.txt"):
        lines = [
            line
            for line in (ROOT / pinned).read_text().splitlines()
            if line and not line.startswith((" ", "#"))
        ]
        assert lines and all(re.fullmatch(r"[\w.-]+==[\w.+-]+ \\", line) for line in lines), pinned
