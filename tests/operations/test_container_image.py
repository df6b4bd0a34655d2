"""The Dockerfile's text, quick lint-like checks: pinned bases, non-root user, the runner as
entrypoint, nothing secret baked in, local state kept out of the build context, only the runtime
packages (hash-checked), build tools in builder stages only. The built image itself is checked
by tests/image/ (make image-check: podman builds it and runs it as the cluster does)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = re.compile(r"KEY|PASSWORD|TOKEN|SECRET|JWK|CREDENTIAL", re.IGNORECASE)


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def dockerfile() -> list[tuple[str, str]]:
    return instructions((ROOT / "Dockerfile").read_text())


def test_every_base_image_is_pinned_to_an_exact_version_or_digest() -> None:
    bases = [args.split()[0] for keyword, args in dockerfile() if keyword == "FROM"]
    assert bases
    for image in bases:
        pinned = "@sha256:" in image or re.fullmatch(
            r"(python:3\.11\.\d+-slim(-\w+)?|node:\d+\.\d+\.\d+-\w+-slim)", image
        )
        assert pinned, f"{image} is not pinned"


def test_the_final_stage_runs_the_runner_as_a_non_root_user() -> None:
    steps = dockerfile()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    final = steps[last_from:]
    users = [args for keyword, args in final if keyword == "USER"]
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), user
    entrypoint = [args for keyword, args in final if keyword == "ENTRYPOINT"]
    assert entrypoint == ['["python", "-m", "shared.runtime.runner"]']
    # the root filesystem is read-only: no bytecode written next to the sources
    assert any("PYTHONDONTWRITEBYTECODE=1" in args for keyword, args in final if keyword == "ENV")


def test_no_secret_is_baked_into_the_image() -> None:
    for keyword, args in dockerfile():
        if keyword in ("ENV", "ARG", "LABEL"):
            names = re.findall(r"(\w+)=", args) or [args.split()[0]]
            assert not [name for name in names if SECRET_WORDS.search(name)], args
        if keyword in ("COPY", "ADD"):
            assert not re.search(r"\.env\b|secret|dev-secrets|\bvar/", args), args


def test_local_state_and_secrets_stay_out_of_the_build_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".venv", "var", "**/dev-secrets.json", "**/*.env"):
        assert entry in ignored, entry


def test_the_parser_sees_a_root_user_and_an_unpinned_base() -> None:
    text = "FROM python:3.11-slim\nUSER root\n# USER 1000\nENV A=1 \\\n    SECRET_KEY=x\n"
    steps = instructions(text)
    assert steps == [
        ("FROM", "python:3.11-slim"),
        ("USER", "root"),
        ("ENV", "A=1      SECRET_KEY=x"),
    ]


def test_the_image_installs_the_runtime_packages_only() -> None:
    runtime = (ROOT / "requirements.txt").read_text()
    for tool in ("pytest", "ruff", "mypy", "kubernetes-validate", "pip-tools", "pip-audit"):
        assert not re.search(rf"^{tool}==", runtime, re.MULTILINE), tool
    installs = [
        args for keyword, args in dockerfile() if keyword == "RUN" and "pip install" in args
    ]
    assert installs and all(
        "--require-hashes" in args and "requirements.txt" in args and "-dev" not in args
        for args in installs
    )


def test_the_audit_tool_and_the_gateway_ship_with_the_services_but_not_the_tests() -> None:
    steps = dockerfile()
    assembled = " ".join(args for keyword, args in steps if keyword == "RUN")
    assert "/src/audit" in assembled and "/src/shared" in assembled
    assert "if [ -d /src/gateway ]" in assembled  # builds before and after the gateway lands
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in ("**/tests", "tests", "shared/testing", "**/node_modules", "requirements-dev.*"):
        assert entry in ignored, entry
    final = steps[max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM") :]
    assert not [args for keyword, args in final if keyword == "ENV" and "PYTHONPATH" in args]


def test_build_tools_stay_in_the_builder_stages() -> None:
    steps = dockerfile()
    final = steps[max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM") :]
    assert not [args for keyword, args in final if keyword == "RUN" and "apt-get" in args]
    voices = [args for keyword, args in steps if keyword == "RUN" and "captcha_voices" in args]
    assert voices and "PYTHONPATH=" in voices[0]  # lockout's folder on the path, as make run
    assert "COPY --from=voices /opt/captcha-voices /opt/captcha-voices" in " ".join(
        f"{keyword} {args}" for keyword, args in final
    )
