"""Writes the reference pages that are derived from code, so they cannot drift from it.

    python -m tools.reference_docs    # rewrites docs/events.md, configuration.md, privacy.md…

A test (tools/tests/test_reference_docs.py) fails when the committed pages differ from what
the code says: change the code, run this, commit both.
"""

from __future__ import annotations

import sys
from pathlib import Path

from marshmallow import fields

from console.settings import ConsoleSettings
from gateway.settings import GatewaySettings
from shared import events, service_registry
from shared.privacy.data_protection import data_protection_page
from shared.privacy.notice import privacy_notice
from shared.privacy.privacy_page import privacy_page
from shared.runtime.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]


EVENTS_INTRO = """# Integration events

Generated from `shared/events/` by `python -m tools.reference_docs`; do not edit by hand.

Every event travels in the same envelope, published by the producer's outbox relay to the topic
exchange `<producer>.events` with the event type as routing key (JSON, persistent):

| field | meaning |
|---|---|
| `event_type` | the name below |
| `schema_version` | version of the payload schema (integer, from 1) |
| `event_id` | UUID, stable: the same event republished keeps its id (uuid5 of producer and position) |
| `occurred_at` | when the domain event was recorded (ISO 8601 with offset) |
| `correlation_id` | the request that caused it, or null |
| `producer` | the service whose store holds the event |
| `position` | its position in the producer's notification log; (producer, position) is what a consumer records to act exactly once |
| `payload` | the event's fields, below |

People appear only as `account_id` or as keyed pseudonyms (`*_key`: HMAC-SHA256 under
`PSEUDONYM_KEY`); codes, identifiers and contact addresses only inside `sealed*` fields, a JWE
that only the notification service can open.

## Versioning rules

- A payload change that a consumer could misread is a new version: add a class `<Event>V2` in the
  same module with `version = 2` and an `upgrade(payload)` that turns a v1 payload into v2.
  Producers always publish the latest version; consumers always receive the latest (older
  messages are upgraded on reading), so a v1 message still in a queue stays readable.
- Never delete or change an old version's class: stored dead letters and replays use it.
- Adding an optional field with a default is not a new version; removing or renaming one is.
- A new event is a new module in `shared/events/`, found at import.

## Catalogue
"""


def _field_type(field: fields.Field) -> str:
    name = type(field).__name__
    validators = getattr(field, "validators", [])
    for validator in validators:
        choices = getattr(validator, "choices", None)
        if choices:
            return " \\| ".join(f"`{c}`" for c in choices)
        regex = getattr(validator, "regex", None)
        if regex is not None and "0-9a-f" in regex.pattern:
            return "pseudonym"
        if regex is not None and "A-Za-z0-9_" in regex.pattern:
            return "JWE (sealed)"
    return {"AwareDateTime": "datetime", "UUID": "uuid"}.get(name, name.lower())


def events_page() -> str:
    lines = [EVENTS_INTRO]
    by_type: dict[str, list[type[events.IntegrationEvent]]] = {}
    for (event_type, _version), cls in sorted(events.CATALOGUE.items()):
        if not cls.__module__.startswith("shared.events."):
            continue  # test doubles registered at run time
        by_type.setdefault(event_type, []).append(cls)
    for event_type, classes in sorted(by_type.items()):
        for cls in classes:
            module = sys.modules[cls.__module__]
            doc = (module.__doc__ or "").strip().splitlines()
            summary = " ".join(line for line in doc[1:] if line.strip())
            producer = cls.producer_name or "any service"
            lines.append(f"### {event_type} v{cls.version}\n")
            lines.append(f"Producer: `{producer}`. {summary}\n")
            lines.append("| field | type | required | null |")
            lines.append("|---|---|---|---|")
            payload_schema = cls._declared_fields["payload"].nested  # type: ignore[attr-defined]
            for name, field in payload_schema._declared_fields.items():
                lines.append(
                    f"| `{name}` | {_field_type(field)} | {'yes' if field.required else 'no'} | "
                    f"{'yes' if field.allow_none else 'no'} |"
                )
            lines.append("")
    return "\n".join(lines)


CONFIG_INTRO = """# Configuration

Generated from the settings classes by `python -m tools.reference_docs`; do not edit by hand.

Every service reads its settings from environment variables at start-up (one typed settings
object per service). A variable may be set for all services (`AMQP_URI`) or for one, prefixed
with the service name (`IDENTITY_AMQP_URI` wins over `AMQP_URI` for identity): the services
can share one process in development and have their own pods in production.

Secrets have no default outside `ENVIRONMENT=development`: a service refuses to start without
them. In development, missing secrets are generated once into `DATA_DIR/dev-secrets.json` (the
portal's and the console's own into files of their own there).
Values given as base64 must decode to at least 32 bytes; JWKs are JSON.

Where a value is a duration, the name says its unit (`_S` seconds, `_DAYS` days). Defaults are
shown as they are typed: lists comma-separated (`600,1200,3600,86400`), dates as `YYYY-MM-DD`
(midnight, Paris time) or ISO 8601 instants with their offset, booleans `true` / `false`, keys
and key lists as JSON; `unset` and `empty` leave the variable out (or empty).
"""


def configuration_page() -> str:
    lines = [CONFIG_INTRO, "## Every service\n"]
    lines += _settings_table(ServiceSettings, set())
    common = {row[0] for row in ServiceSettings.documented_variables()}
    for service in service_registry.SERVICES:
        cls = service_registry.load(service.settings_class)
        lines.append(f"\n## {service.name}\n")
        if cls is ServiceSettings:
            lines.append("No variables of its own.")
        else:
            lines += _settings_table(cls, common)
    lines.append("\n## gateway (the portal, `python -m gateway`)\n")
    lines.append(
        "Read like a service's, under the name `gateway`: `GATEWAY_PORT` or `PORT`. It holds no"
        " service key: `SECRET_KEY` is its only secret.\n"
    )
    lines += _settings_table(GatewaySettings, common - {"ENVIRONMENT", "AMQP_URI"})
    lines.append("\n## console (the agents' console, `python -m console`)\n")
    lines.append(
        "Read like a service's, under the name `console`: `CONSOLE_PORT` or `PORT`"
        " (docs/console.md). It reads the agency's role table `AGENT_ROLE_METHODS` for its menus"
        " and the services' `AGENT_REASONS`, and waits `RPC_TIMEOUT_S` at most for an answer."
        " Its secrets: `SECRET_KEY` and `OIDC_CLIENT_SECRET`.\n"
    )
    read = {"ENVIRONMENT", "AMQP_URI", "AGENT_ROLE_METHODS", "AGENT_REASONS", "RPC_TIMEOUT_S"}
    lines += _settings_table(ConsoleSettings, common - read)
    return "\n".join(lines)


def _settings_table(cls: type[ServiceSettings], skip: set[str]) -> list[str]:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for env, default, doc in cls.documented_variables():
        if env in skip:
            continue
        rows.append(f"| `{env}` | {default.replace('|', '/')} | {doc.replace('|', '/')} |")
    return rows


PAGES = {
    "docs/events.md": events_page,
    "docs/configuration.md": configuration_page,
    "docs/privacy.md": privacy_page,
    "docs/data-protection.md": data_protection_page,
    "docs/privacy-notice.md": privacy_notice,
}


def main() -> None:
    for path, render in PAGES.items():
        (ROOT / path).write_text(render() + "\n")
        print("wrote", path)


if __name__ == "__main__":
    main()
