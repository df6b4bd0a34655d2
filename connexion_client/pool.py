"""A bounded pool of nameko standalone RPC proxies, each used by one green thread at a time.

nameko's ``ClusterRpcProxy`` is single-threaded (it polls its own reply queue): sharing one
between green threads mixes their replies up. The pool hands each call a proxy of its own,
connects lazily, and replaces a proxy whose connection broke. Each proxy's reply queue is named
for the caller (``reply_queue``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import partial
from typing import Any

from eventlet import pools
from nameko.standalone.rpc import ClusterRpcProxy

from .reply_queue import CallerReplyListener


class Connection:
    """One standalone proxy, started on first use; ``context`` is sent as message headers."""

    def __init__(self, config: dict[str, Any], timeout: float, caller: str):
        self._config = config
        self._timeout = timeout
        self._caller = caller
        self._standalone: ClusterRpcProxy | None = None
        self._cluster: Any = None

    def cluster(self, context: dict[str, Any]) -> Any:
        if self._standalone is None:
            standalone = ClusterRpcProxy(
                self._config,
                timeout=self._timeout,
                reply_listener_cls=partial(CallerReplyListener, caller=self._caller),
            )
            try:
                self._cluster = standalone.start()
            except Exception:
                with suppress(Exception):  # a refused reply queue: close its connection
                    standalone.stop()
                raise
            self._standalone = standalone
        # The headers of the next message are read from the proxy's worker context.
        self._standalone._worker_ctx.data.update(context)
        return self._cluster

    def discard(self) -> None:
        """Closes the proxy (after a broken connection); the next use opens a new one."""
        standalone, self._standalone, self._cluster = self._standalone, None, None
        if standalone is not None:
            with suppress(Exception):  # closing a broken connection may fail too
                standalone.stop()


class ConnectionPool:
    def __init__(self, config: dict[str, Any], timeout: float, size: int, caller: str):
        self._connections: list[Connection] = []
        self._pool: pools.Pool = pools.Pool(max_size=size, create=self._create)
        self._config = config
        self._timeout = timeout
        self._caller = caller

    def _create(self) -> Connection:
        connection = Connection(self._config, self._timeout, self._caller)
        self._connections.append(connection)
        return connection

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Waits for a free connection if all ``size`` are in use."""
        with self._pool.item() as connection:
            yield connection

    def close(self) -> None:
        for connection in self._connections:
            connection.discard()
