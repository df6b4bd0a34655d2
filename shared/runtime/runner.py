"""Runs services: ``python -m shared.runtime.runner identity lockout delegation notification``.

From the repository root (the image's working directory), with no PYTHONPATH: the services'
folders come from the registry (:mod:`shared.service_registry`). Checks the broker and the
stores first and stops with a clear message and the fix when one is missing, then runs every
named service in this process until SIGTERM/SIGINT (graceful stop: in-flight workers finish,
the relay records its position). A name is one of the registered
services or a ``module:Class`` path. ``--dev-ports`` gives each service its development port for
health and metrics (``make run``: 8081 identity, 8082 lockout, ...) unless one is set.
"""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

import argparse
import logging
import os
import sys
from typing import Any

from shared import service_registry

from . import broker_tls
from .audit_trail import grant_audit_roles
from .dependencies import ApplicationDependency
from .eventstore import schema_of
from .logging_setup import configure_logging
from .observability import http_port
from .retention_role import grant_retention_role
from .settings import ServiceSettings, SettingsError
from .startup_checks import check_broker, check_http_port, check_store, plain_text_paths
from .until_signalled import run_until_signalled

log = logging.getLogger("runner")


def resolve(name: str) -> Any:
    if ":" in name:
        return service_registry.load(name)
    return service_registry.load(service_registry.get(name).service_class)


def migrate(service_class: Any, config: dict[str, Any]) -> None:
    """Builds the service's application once: that creates its schema and tables."""
    for dependency in vars(service_class).values():
        if isinstance(dependency, ApplicationDependency):
            settings = dependency.settings_class.from_mapping(config, service_class.name)
            application = dependency.application_class(settings)
            events_table = application.sql.events_table.rpartition(".")[2].strip('"')
            application.close()
            if settings.database_url and (
                settings.database_audit_role or settings.database_erasure_role
            ):
                grant_audit_roles(
                    settings.database_url,
                    schema_of(settings, service_class.name),
                    settings.database_audit_role,
                    settings.database_erasure_role,
                )
            if settings.database_url and settings.database_retention_role:
                grant_retention_role(
                    settings.database_url,
                    schema_of(settings, service_class.name),
                    settings.database_retention_role,
                    events_table,
                    service_class.name,
                )
            log.info("store of %s is ready", service_class.name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="+", help=" ".join(service_registry.names()))
    parser.add_argument(
        "--dev-ports",
        action="store_true",
        help="health and metrics of each service on its development port (make run)",
    )
    parser.add_argument(
        "--migrate-only",
        action="store_true",
        help="create each service's schema and tables, then exit (Kubernetes init Job)",
    )
    args = parser.parse_args(argv)
    shared.runtime.bootstrap.check()

    config: dict[str, Any] = dict(os.environ)
    if args.dev_ports:
        for name in args.services:
            if name in service_registry.BY_NAME:
                port = service_registry.get(name).dev_http_port
                config.setdefault(f"{name.upper()}_HTTP_PORT", str(port))
    service_classes = [resolve(name) for name in args.services]
    try:
        settings = [ServiceSettings.from_mapping(config, cls.name) for cls in service_classes]
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    configure_logging(settings[0].log_level)
    if not args.migrate_only:  # the migration Job needs the stores only
        check_broker(
            settings[0].amqp_uri,
            broker_tls.ssl_options(settings[0].amqp_uri, settings[0].amqp_ca_file),
        )
    for each in settings:
        for warning in plain_text_paths(each, dict(os.environ)):
            log.warning("%s: %s", each.service, warning)
        check_store(each)
        if not args.migrate_only:
            check_http_port(config, each.service, http_port(config, each.service))
    config.setdefault("AMQP_URI", settings[0].amqp_uri)
    broker_tls.configure(config, settings[0].amqp_uri, settings[0].amqp_ca_file)
    if args.migrate_only:
        for cls in service_classes:
            migrate(cls, config)
        return

    run_until_signalled(config, service_classes, f"running {', '.join(args.services)}")


if __name__ == "__main__":
    main()
