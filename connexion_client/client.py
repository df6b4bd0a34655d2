"""``ConnexionClient``: calls the services over nameko RPC with a timeout and a correlation id
on every call, and the services' errors as Python exceptions (see ``errors``).

>>> client = ConnexionClient("amqp://portal:…@rabbitmq:5672/", caller="portal")  # doctest: +SKIP
>>> client.identity.login(identifier="1 63 06 31 555 082", password="Bonjour2024Caf",
...                       source={"ip": "203.0.113.7"})["outcome"]               # doctest: +SKIP
'ok'
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from amqp.exceptions import AccessRefused, NotFound
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout, UnknownService

from .errors import CallRefused, ServiceTimeout, ServiceUnavailable, from_remote
from .pool import ConnectionPool
from .reply_queue import check_caller

_correlation_id: ContextVar[str | None] = ContextVar("connexion_client_correlation", default=None)

_BROKEN_CONNECTION = (socket.error, AmqpConnectionError, OperationalError)


def new_correlation_id() -> str:
    return "cc-" + uuid.uuid4().hex


class ConnexionClient:
    """Pooled (``pool_size`` connections), safe to share between green threads, connects on
    the first call. ``client.<service>.<method>(**kwargs)`` or ``client.call(service, method)``.

    ``caller`` names the broker user ``amqp_uri`` logs in as (``portal``, ``back-office``): the
    client's reply queues are ``rpc.reply-<caller>-<uuid>``, the only ones that user may use.
    """

    def __init__(
        self,
        amqp_uri: str,
        caller: str = "portal",
        timeout: float = 10.0,
        pool_size: int = 10,
        ssl: dict[str, Any] | bool | None = None,
    ):
        config: dict[str, Any] = {"AMQP_URI": amqp_uri}
        if ssl:
            config["AMQP_SSL"] = ssl
        self.caller = check_caller(caller)
        self.timeout = timeout
        self._pool = ConnectionPool(config, timeout, pool_size, caller)

    def __getattr__(self, service: str) -> ServiceProxy:
        if service.startswith("_"):
            raise AttributeError(service)
        return ServiceProxy(self, service)

    def call(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``client.call("lockout", "new_captcha")`` -> the method's result.

        Raises ``InvalidInput``, ``ServiceTimeout``, ``ServiceUnavailable``, ``CallRefused`` or
        ``RemoteFault``.
        """
        context = {"correlation_id": _correlation_id.get() or new_correlation_id()}
        with self._pool.connection() as connection:
            try:
                method_proxy = getattr(connection.cluster(context)[service], method)
                reply = method_proxy.call_async(*args, **kwargs)
                body = reply.reply_event.wait()
            except RpcTimeout:
                connection.discard()  # its reply queue may still receive the late answer
                raise ServiceTimeout(
                    f"{service}.{method} did not answer in {self.timeout}s"
                ) from None
            except UnknownService:
                raise ServiceUnavailable(f"no {service} service is listening") from None
            except NotFound:  # nameko-rpc, declared passively, does not exist yet
                connection.discard()
                raise ServiceUnavailable("no service has declared the RPC exchange") from None
            except AccessRefused as exc:
                connection.discard()  # the broker closed the channel (or refused the login)
                raise CallRefused(
                    f"the broker refused {service}.{method} to caller {self.caller!r}:"
                    f" {exc.message or exc}"
                ) from None
            except _BROKEN_CONNECTION as exc:
                connection.discard()
                raise ServiceUnavailable(f"broker unreachable: {type(exc).__name__}") from None
        error = body.get("error")
        if error:
            raise from_remote(error)
        return body["result"]

    @contextmanager
    def correlated(self, correlation_id: str) -> Iterator[str]:
        """Every call in the block carries ``correlation_id`` (found in the services' events
        and logs); outside a block each call gets a fresh one."""
        token = _correlation_id.set(correlation_id)
        try:
            yield correlation_id
        finally:
            _correlation_id.reset(token)

    def close(self) -> None:
        """Closes the pooled connections (a later call opens new ones)."""
        self._pool.close()

    def __enter__(self) -> ConnexionClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ServiceProxy:
    """``client.identity``: its attributes are the service's methods."""

    def __init__(self, client: ConnexionClient, service: str):
        self._client = client
        self._service = service

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)

        def remote(*args: Any, **kwargs: Any) -> Any:
            return self._client.call(self._service, method, *args, **kwargs)

        remote.__name__ = method
        return remote
