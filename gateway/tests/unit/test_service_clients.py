"""The typed clients are the RPC contract (gateway/clients/): given each service's ``@rpc``
methods (its nameko entrypoints), when a client's methods are read, then each has a method of
the same name, the same parameter names in the same order, and the same required and optional
ones. A change of the contract breaks this test, not a page in production."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc

from gateway.clients import DelegationClient, IdentityClient, LockoutClient, NotificationClient
from gateway.clients.base import ServiceClient
from shared import service_registry

CLIENTS = (
    IdentityClient,
    LockoutClient,
    DelegationClient,
    NotificationClient,
)  # the back office's calls are the console's (console/rpc.py, console/tests/unit/test_contract.py)


def rpc_methods(service_class: type) -> dict[str, Any]:
    """The service's methods that are nameko ``@rpc`` entrypoints, by name."""
    return {
        name: member
        for name, member in inspect.getmembers(service_class, inspect.isfunction)
        if any(isinstance(entry, Rpc) for entry in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()))
    }


def client_methods(client: type[ServiceClient]) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(client, inspect.isfunction)
        if not name.startswith("_")
    }


def shape(function: Any) -> list[tuple[str, str, bool]]:
    """``[(name, kind, required)]`` of the parameters after ``self``."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return [
        (p.name, p.kind.name, p.default is inspect.Parameter.empty)
        for p in parameters
    ]  # fmt: skip


def service_class(name: str) -> type:
    loaded: type = service_registry.load(service_registry.get(name).service_class)
    return loaded


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_every_client_method_is_an_rpc_method_of_its_service(client: type[ServiceClient]) -> None:
    contract = rpc_methods(service_class(client.service))
    methods = client_methods(client)
    assert methods, f"{client.__name__} declares no method"
    assert set(methods) - set(contract) == set(), f"not @rpc methods of {client.service}"


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_every_client_method_has_its_rpc_signature(client: type[ServiceClient]) -> None:
    contract = rpc_methods(service_class(client.service))
    mismatches = {
        name: (shape(method), shape(contract[name]))
        for name, method in client_methods(client).items()
        if shape(method) != shape(contract[name])
    }
    assert mismatches == {}


def test_a_changed_signature_is_seen() -> None:
    """The comparison sees a renamed, a missing and a no-longer-optional parameter."""

    def contract(self: Any, token: str, captcha: Any = None) -> Any: ...
    def renamed(self: Any, session: str, captcha: Any = None) -> Any: ...
    def missing(self: Any, token: str) -> Any: ...
    def required(self: Any, token: str, captcha: Any) -> Any: ...

    assert all(shape(other) != shape(contract) for other in (renamed, missing, required))


def test_a_client_call_names_its_service_and_method_and_passes_the_arguments() -> None:
    """Given a recording call, when a page asks identity to log in, then identity's ``login``
    receives what the page gave (the answer is identity's, passed on as it is)."""
    calls: list[tuple[Any, ...]] = []

    def record(service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((service, method, args, kwargs))
        return {"outcome": "ok"}

    answer = IdentityClient(record).login("1 63 06 31 555 082", "secret", source={"ip": "::1"})

    assert answer == {"outcome": "ok"}
    assert calls == [
        (
            "identity",
            "login",
            ("1 63 06 31 555 082", "secret"),
            {"captcha": None, "source": {"ip": "::1"}, "franceconnect_link": None},
        )
    ]
