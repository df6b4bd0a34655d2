"""nameko DependencyProviders every service uses: its application (with the relay) and the
correlation id of the current worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider

from . import broker_tls, correlation, request_outcomes
from .clock import Clock
from .eventstore import ServiceApplication
from .relay import OutboxRelay
from .rpc_entrypoint import Request, Rpc, request_of
from .settings import ServiceSettings

log = logging.getLogger(__name__)

AppFactory = Callable[[ServiceSettings, Clock | None], ServiceApplication]


class ApplicationDependency(DependencyProvider):
    """Builds the service's application once per container (in ``setup``), runs its relay.

    Settings come from the nameko config (the runner passes the environment; tests pass
    their own). A test may set ``clock`` on the class attribute before starting.

    >>> app = ApplicationDependency(IdentityApplication, IdentitySettings)   # doctest: +SKIP
    """

    def __init__(
        self,
        application_class: type[ServiceApplication],
        settings_class: type[ServiceSettings] = ServiceSettings,
        clock: Clock | None = None,
    ):
        self.application_class = application_class
        self.settings_class = settings_class
        self.clock = clock
        self.application: ServiceApplication | None = None
        self.relay: OutboxRelay | None = None

    def setup(self) -> None:
        config = dict(self.container.config)
        settings = self.settings_class.from_mapping(config, self.container.service_name)
        clock = config.get("CLOCK") or self.clock
        self.application = self.application_class(settings, clock=clock)
        if settings.relay_enabled:
            self.relay = OutboxRelay(
                self.application,
                settings.amqp_uri,
                batch_size=settings.relay_batch_size,
                poll_interval_s=settings.relay_poll_interval_s,
                coalesce_s=settings.relay_coalesce_s,
                ssl=broker_tls.ssl_options(settings.amqp_uri, settings.amqp_ca_file),
            )

    def start(self) -> None:
        if self.relay is not None:
            self._relay_thread = self.container.spawn_managed_thread(
                self.relay.run, identifier="outbox-relay"
            )

    def stop(self) -> None:
        """Lets the relay finish its batch, then closes the store's connections (an
        application left to the garbage collector would close its pool from the hub)."""
        if self.relay is not None:
            self.relay.stop()
            thread = getattr(self, "_relay_thread", None)
            if thread is not None:
                with eventlet.Timeout(10, False):
                    thread.wait()
        if self.application is not None:
            self.application.close()

    def kill(self) -> None:
        if self.relay is not None:
            self.relay.stop()

    def get_dependency(self, worker_ctx: Any) -> ServiceApplication:
        assert self.application is not None
        return self.application

    def worker_setup(self, worker_ctx: Any) -> None:
        # An RPC request in scope: its first save also records its marker (request_outcomes).
        if isinstance(worker_ctx.entrypoint, Rpc) and not worker_ctx.entrypoint.keyed:
            request = request_of(worker_ctx)
            request_outcomes.enter(
                self.container.service_name, worker_ctx.entrypoint.method_name, request
            )

    def worker_teardown(self, worker_ctx: Any) -> None:
        request_outcomes.leave()


class RequestContext(DependencyProvider):
    """The RPC request the worker serves (:class:`Request`; id None outside RPC).

    >>> request: Request = RequestContext()   # in a service class   # doctest: +SKIP
    """

    def get_dependency(self, worker_ctx: Any) -> Request:
        return request_of(worker_ctx)


class CorrelationContext(DependencyProvider):
    """Puts the request's correlation id (a new one if the caller gave none) in context.

    nameko asks for dependencies before ``worker_setup`` and timers carry no context at all,
    so the id is settled on first use, in the worker's own data.
    """

    def _settle(self, worker_ctx: Any) -> str:
        data = worker_ctx.data
        value = str(data.get(correlation.CONTEXT_KEY) or correlation.new_id())
        data[correlation.CONTEXT_KEY] = value
        correlation.current.set(value)
        return value

    def worker_setup(self, worker_ctx: Any) -> None:
        self._settle(worker_ctx)

    def worker_teardown(self, worker_ctx: Any) -> None:
        correlation.current.set(None)

    def get_dependency(self, worker_ctx: Any) -> str:
        return self._settle(worker_ctx)
