"""One list of the services (shared/service_registry.py): what is derived from it stays so, and
the places that cannot import it (pyproject.toml, the Makefile's tools) agree with it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from audit.timeline import READERS
from shared import service_registry
from shared.runtime.dependencies import ApplicationDependency

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("service", service_registry.SERVICES, ids=lambda s: s.name)
def test_every_registered_service_loads_as_the_registry_says(service) -> None:
    service_class = service_registry.load(service.service_class)
    assert service_class.name == service.name
    dependencies = [d for d in vars(service_class).values() if isinstance(d, ApplicationDependency)]
    assert [d.application_class for d in dependencies] == [
        service_registry.load(service.application_class)
    ]
    assert dependencies[0].settings_class is service_registry.load(service.settings_class)
    assert (service.source / service.name / "service.py").is_file()


def test_every_service_folder_is_registered() -> None:
    folders = {path.parent.parent.name for path in ROOT.glob("services/*/*/service.py")}
    assert folders == set(service_registry.names())


def test_pyproject_type_checks_the_registered_folders() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mypy_path = config["tool"]["mypy"]["mypy_path"].split(":")
    assert mypy_path == [".", *(f"services/{name}" for name in service_registry.names())]


def test_the_audit_timeline_tells_every_registered_service() -> None:
    assert list(READERS) == service_registry.names()


def test_the_makefile_gets_names_and_paths_without_the_virtualenv() -> None:
    def ask(command: str) -> str:
        return subprocess.run(
            [sys.executable, "-E", "-m", "shared.service_registry", command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert ask("names").split() == service_registry.names()
    assert ask("pythonpath").split(os.pathsep) == service_registry.import_paths()


def test_an_unknown_service_is_named_with_the_known_ones() -> None:
    with pytest.raises(LookupError, match="one of identity, lockout"):
        service_registry.get("payments")


def test_the_runner_needs_no_pythonpath(tmp_path) -> None:
    environment = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    subprocess.run(
        [
            sys.executable,
            "-E",
            "-W",
            "ignore",
            "-m",
            "shared.runtime.runner",
            "--migrate-only",
            "lockout",
        ],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "lockout.sqlite").is_file()
