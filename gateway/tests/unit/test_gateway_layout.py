"""The gateway's folders show its architecture (docs/gateway.md, "Layout"): the shared pieces at
the root, then the portal, the HTTP API and the development tools, each depending on the root
only. Given the source of every module, when its imports are read, then none crosses over."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GATEWAY = Path(__file__).resolve().parents[2]
PARTS = ("portal", "api", "dev")
#: The composition root: it alone mounts the parts on one application.
COMPOSERS = {"app.py", "__main__.py"}


def imported_modules(path: Path) -> set[str]:
    """Absolute names of what a module imports (relative imports resolved)."""
    package = ["gateway", *path.relative_to(GATEWAY).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def modules_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "tests" not in p.relative_to(GATEWAY).parts)


def part_of(name: str) -> str | None:
    pieces = name.split(".")
    if len(pieces) >= 2 and pieces[0] == "gateway" and pieces[1] in PARTS:
        return pieces[1]
    return None


@pytest.mark.parametrize("part", PARTS)
def test_a_part_imports_no_sibling(part: str) -> None:
    crossings = {
        f"{path.relative_to(GATEWAY)} imports {name}"
        for path in modules_of(GATEWAY / part)
        for name in imported_modules(path)
        if part_of(name) not in (None, part)
    }
    assert crossings == set()


def test_the_shared_pieces_at_the_root_import_no_part() -> None:
    roots = [p for p in GATEWAY.glob("*.py") if p.name not in COMPOSERS]
    crossings = {
        f"{path.name} imports {name}"
        for path in roots
        for name in imported_modules(path)
        if part_of(name) is not None
    }
    assert {p.name for p in roots} >= {"settings.py", "security.py", "sessions.py", "rpc.py"}
    assert crossings == set()


def test_the_authorization_server_is_shared_and_imports_no_part() -> None:
    """gateway/oidc/ (Caf connect: keys, Authlib's server, its endpoints) is a shared piece: the
    HTTP API issues its tokens there and the portal's login resumes its requests."""
    crossings = {
        f"{path.relative_to(GATEWAY)} imports {name}"
        for path in modules_of(GATEWAY / "oidc")
        for name in imported_modules(path)
        if part_of(name) is not None
    }
    assert crossings == set()


def test_the_reader_resolves_relative_imports(tmp_path: Path) -> None:
    """``from ..forms import x`` in portal/pages is gateway.portal.forms; ``from ..api import``
    there would be gateway.portal.api, so a crossing is always spelt gateway.api (absolute)."""
    assert "gateway.portal.forms" in imported_modules(GATEWAY / "portal" / "pages" / "account.py")
    assert part_of("gateway.api.schemas") == "api" and part_of("gateway.settings") is None
