"""The platform's ``@rpc``: bad arity answers InvalidInput, refusals log at INFO, every service
uses it."""

from __future__ import annotations

import logging

import pytest
from delegation.service import DelegationService
from identity.service import IdentityService
from lockout.service import LockoutService
from nameko.extensions import Entrypoint
from nameko.rpc import Rpc as NamekoRpc
from notification.service import NotificationService

from shared.runtime.refusal_logging import ExpectedRefusalFilter
from shared.runtime.rpc import InvalidInput
from shared.runtime.rpc_entrypoint import Rpc
from shared.testing.logs import logged

SERVICES = (IdentityService, LockoutService, NotificationService, DelegationService)
FAST = {"ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1", "DATABASE_POOL_SIZE": "2"}


def rpc_entrypoints(service_class: type) -> list[Entrypoint]:
    return [
        entrypoint
        for attribute in vars(service_class).values()
        for entrypoint in getattr(attribute, "nameko_entrypoints", ())
        if isinstance(entrypoint, NamekoRpc)
    ]


@pytest.mark.parametrize("service_class", SERVICES, ids=lambda cls: cls.name)
def test_every_rpc_method_uses_the_platform_entrypoint(service_class):
    entrypoints = rpc_entrypoints(service_class)
    assert entrypoints
    assert all(type(entrypoint) is Rpc for entrypoint in entrypoints)


def refusal(call, *args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as refused:
        call(*args, **kwargs)
    return refused.value.fields


def test_missing_and_unknown_arguments_answer_invalid_input_naming_them(services, rpc):
    services.start(IdentityService, **FAST)

    assert refusal(rpc.identity.login, "1630631555082") == {
        "password": ["Ce champ est obligatoire."]
    }
    assert refusal(rpc.identity.login, "1630631555082", "x", remember_me=True) == {
        "remember_me": ["Champ inconnu."]
    }
    too_many = refusal(rpc.identity.login, *(["x"] * 12))
    assert list(too_many) == ["_schema"]


def test_a_refusal_is_one_info_line_without_traceback(services, rpc):
    services.start(LockoutService, DATABASE_POOL_SIZE="2")

    with logged("DEBUG", "nameko.containers") as logs:
        refusal(rpc.lockout.status, "pas un NIR")

    worker_lines = [line for line in logs() if "refused" in line["message"] or "trace" in line]
    assert [(line["level"], line["message"]) for line in worker_lines] == [
        ("INFO", "lockout.status refused: invalid_input: Certains champs sont invalides. "
         "['identifier']"),
    ]  # fmt: skip
    assert not [line for line in logs() if line["level"] in ("WARNING", "ERROR")]


def test_a_fault_keeps_its_level_and_traceback():
    try:
        raise RuntimeError("a fault")
    except RuntimeError:
        record = logging.getLogger("nameko.containers").makeRecord(
            "nameko.containers",
            logging.ERROR,
            __file__,
            1,
            "error handling worker %s: %s",
            ("worker", "a fault"),
            exc_info=__import__("sys").exc_info(),
        )
    assert ExpectedRefusalFilter().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is not None


def test_the_entrypoint_imports_neither_the_dependency_nor_the_event_store() -> None:
    """The import cycle of issue #28 is gone (it was a late import inside the method that
    answers a redelivery): the entrypoint finds the dependency that answers redeliveries by
    what it does (request_outcomes.AnswersRedeliveries), anywhere in the module."""
    import ast
    from pathlib import Path

    import shared.runtime.rpc_entrypoint as module

    tree = ast.parse(Path(module.__file__ or "").read_text())
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not {name for name in imported if name.endswith(("dependencies", "eventstore"))}
