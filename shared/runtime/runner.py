"""Runs services: ``python -m shared.runtime.runner identity lockout notification delegation``.

Checks the broker and the stores first and stops with a clear message and the fix when one is
missing, then runs every named service in this process until SIGTERM/SIGINT (graceful stop:
in-flight workers finish, the relay records its position). A name is one of the four services
or a ``module:Class`` path.
"""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

import argparse
import importlib
import logging
import os
import signal
import sys
from typing import Any

import eventlet
from kombu import Connection
from nameko.runners import ServiceRunner

from .dependencies import ApplicationDependency
from .logging_setup import configure_logging
from .settings import ServiceSettings, SettingsError

SERVICES = {
    "identity": "identity.service:IdentityService",
    "lockout": "lockout.service:LockoutService",
    "notification": "notification.service:NotificationService",
    "delegation": "delegation.service:DelegationService",
}

log = logging.getLogger("runner")


def resolve(name: str) -> Any:
    module_name, _, class_name = SERVICES.get(name, name).partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def check_broker(amqp_uri: str) -> None:
    try:
        with Connection(amqp_uri, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        sys.exit(
            f"RabbitMQ is not reachable at {_redact(amqp_uri)} ({type(exc).__name__}).\n"
            "Start it (on this machine: `rabbitmq-server -detached`, or `make broker`), "
            "or set AMQP_URI to a running broker."
        )


def check_store(settings: ServiceSettings) -> None:
    if not settings.database_url:
        return
    import psycopg

    try:
        psycopg.connect(settings.database_url, connect_timeout=5).close()
    except psycopg.Error as exc:
        sys.exit(
            f"PostgreSQL is not reachable for {settings.service} ({type(exc).__name__}).\n"
            "Start it, fix DATABASE_URL, or unset DATABASE_URL to use the embedded store."
        )


def migrate(service_class: Any, config: dict[str, Any]) -> None:
    """Builds the service's application once: that creates its schema and tables."""
    for dependency in vars(service_class).values():
        if isinstance(dependency, ApplicationDependency):
            settings = dependency.settings_class.from_mapping(config, service_class.name)
            application = dependency.application_class(settings)
            application.close()
            log.info("store of %s is ready", service_class.name)


def _redact(uri: str) -> str:
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="+", help="identity lockout notification delegation")
    parser.add_argument(
        "--migrate-only",
        action="store_true",
        help="create each service's schema and tables, then exit (Kubernetes init Job)",
    )
    args = parser.parse_args(argv)
    shared.runtime.bootstrap.check()

    config: dict[str, Any] = dict(os.environ)
    service_classes = [resolve(name) for name in args.services]
    try:
        settings = [ServiceSettings.from_mapping(config, cls.name) for cls in service_classes]
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    configure_logging(settings[0].log_level)
    if not args.migrate_only:  # the migration Job needs the stores only
        check_broker(settings[0].amqp_uri)
    for each in settings:
        check_store(each)
    config.setdefault("AMQP_URI", settings[0].amqp_uri)
    if args.migrate_only:
        for cls in service_classes:
            migrate(cls, config)
        return

    runner = ServiceRunner(config)
    for cls in service_classes:
        runner.add_service(cls)

    stopping: list[bool] = []

    def shutdown(signum: int, frame: Any) -> None:
        if not stopping:  # a second signal must not stop the containers twice
            stopping.append(True)
            log.info("stopping (signal %s)", signum)
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    log.info("running %s", ", ".join(args.services))
    runner.wait()


if __name__ == "__main__":
    main()
