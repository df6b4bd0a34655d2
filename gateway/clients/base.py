"""What every typed client shares: the call it makes (``gateway.rpc.call`` in the gateway, a
fake in the page tests) and the service it names."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol


class Call(Protocol):
    """``call("identity", "login", …)``: one RPC, its answer or a ``ConnexionError``."""

    def __call__(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any: ...


class ServiceClient:
    """One service's RPC methods as Python methods (``IdentityClient.login``…); a subclass
    names the service and mirrors its ``@rpc`` signatures (test_service_clients.py checks)."""

    service: ClassVar[str]

    def __init__(self, call: Call) -> None:
        self._call = call

    def _rpc(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self._call(self.service, method, *args, **kwargs)
