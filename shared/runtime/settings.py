"""One typed settings object per service, read from the environment at start-up (12-factor).

Every variable may be given for all services (``AMQP_URI``) or for one (``IDENTITY_AMQP_URI``
wins over ``AMQP_URI`` for identity), so the four services can share one process in development
and have their own pods in production. Services extend :class:`ServiceSettings` with their own
fields declared with :func:`setting`.

>>> settings = ServiceSettings.from_mapping({"ENVIRONMENT": "development"}, "identity")
>>> settings.amqp_uri
'amqp://guest:guest@127.0.0.1:5672/'
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime, time
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from . import dev_secrets

T = TypeVar("T", bound="ServiceSettings")

ENVIRONMENTS = ("development", "test", "production")
#: field -> its development value, read or made from DATA_DIR
DevelopmentSecrets = dict[str, Callable[[Path], Any]]
PARIS = ZoneInfo("Europe/Paris")


class SettingsError(ValueError):
    """A variable is missing or malformed; the message names it and says what is expected."""


def parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "y", "on"):
        return True
    if value in ("0", "false", "no", "n", "off"):
        return False
    raise ValueError("expected true or false")


def parse_floats(raw: str) -> tuple[float, ...]:
    return tuple(float(part) for part in raw.split(",") if part.strip())


def parse_names(raw: str) -> tuple[str, ...]:
    """``a, b`` -> ``("a", "b")``."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_queue_type(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ("classic", "quorum"):
        raise ValueError("expected classic or quorum")
    return value


def parse_key(raw: str) -> bytes:
    """A secret key given as base64 (standard or url-safe); at least 32 bytes."""
    padded = raw.strip() + "=" * (-len(raw.strip()) % 4)
    key = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    if len(key) < 32:
        raise ValueError("expected at least 32 bytes, base64-encoded")
    return key


#: the reasons an agent may give when AGENT_REASONS is unset (code -> what the person reads)
DEFAULT_AGENT_REASONS: dict[str, str] = {
    "appel": "Appel téléphonique de la personne",
    "accueil": "Accueil physique en Caf",
    "courrier": "Courrier de la personne",
    "controle": "Contrôle du dossier",
}


def parse_json(raw: str) -> Any:
    return json.loads(raw)


def environment_form(value: Any) -> str:
    """A value as it is typed in the environment, the form the field's parser reads back:
    ``600,1200`` for a tuple, ``2024-02-22`` for a Paris midnight, ``true``, JSON for keys."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, datetime):
        local = value.astimezone(PARIS)
        return local.date().isoformat() if local.time() == time(0) else value.isoformat()
    if isinstance(value, tuple) and value and all(isinstance(item, dict) for item in value):
        return json.dumps(list(value))
    if isinstance(value, tuple):
        return ",".join(environment_form(item) for item in value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def shown_default(value: Any) -> str:
    """A default as docs/configuration.md shows it: the environment form, or in words."""
    if value is None:
        return "unset"
    text = environment_form(value)
    return f"`{text}`" if text else "empty"


def setting(
    env: str,
    default: Any = dataclasses.MISSING,
    *,
    parse: Callable[[str], Any] = str,
    secret: bool = False,
    doc: str = "",
) -> Any:
    """Declares a settings field read from variable ``env`` (and ``<SERVICE>_<env>``)."""
    metadata = {"env": env, "parse": parse, "secret": secret, "doc": doc}
    if default is dataclasses.MISSING:
        return dataclasses.field(default=None, metadata={**metadata, "required": True})
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class ServiceSettings:
    """Settings every service has. Secrets have no default outside development."""

    service: str
    environment: str = setting("ENVIRONMENT", "development", doc="development | test | production")
    amqp_uri: str = setting(
        "AMQP_URI",
        "amqp://guest:guest@127.0.0.1:5672/",
        doc="RabbitMQ URI (vhost included); amqps://user:password@rabbitmq:5671/ for TLS: the"
        " broker's certificate is then verified (AMQP_CA_FILE) and must name the URI's host",
    )
    amqp_ca_file: str | None = setting(
        "AMQP_CA_FILE",
        None,
        doc="with amqps://: the CA certificate (PEM file) that signs the broker's, e.g."
        " /etc/caf/tls/rabbitmq/ca.crt (the RabbitMQ TLS secret's ca.crt) — unset: the"
        " system's CAs",
    )
    database_url: str | None = setting(
        "DATABASE_URL",
        None,
        doc="postgresql://user:password@host:5432/db — unset: embedded SQLite store in DATA_DIR."
        " TLS: add ?sslmode=verify-full&sslrootcert=/etc/caf/tls/<service>-db/ca.crt (the"
        " CloudNativePG CA; the host, e.g. identity-db-rw, must be in the server certificate),"
        " or set libpq's PGSSLMODE=verify-full and PGSSLROOTCERT, as the manifests do",
    )
    database_schema: str | None = setting(
        "DATABASE_SCHEMA", None, doc="PostgreSQL schema of this service's store (default: its name)"
    )
    database_schema_prefix: str = setting(
        "DATABASE_SCHEMA_PREFIX",
        "",
        doc="prefix of the default schema name (several stacks, tests)",
    )
    database_pool_url: str | None = setting(
        "DATABASE_POOL_URL",
        None,
        doc="postgresql://… of a PgBouncer in transaction mode in front of DATABASE_URL: the"
        " store's pool goes through it (no server-side prepares); the relay's lock and LISTEN,"
        " and migrations, stay on DATABASE_URL — unset: everything on DATABASE_URL. TLS: as"
        " DATABASE_URL; the pooler's host (identity-db-pooler-rw) is in the certificate",
    )
    database_pool_min: int = setting(
        "DATABASE_POOL_MIN", 1, parse=int, doc="store connections kept open while idle"
    )
    database_pool_size: int = setting(
        "DATABASE_POOL_SIZE", 10, parse=int, doc="store connections at most (busiest moment)"
    )
    database_pool_idle_s: float = setting(
        "DATABASE_POOL_IDLE_S",
        60.0,
        parse=float,
        doc="a store connection above DATABASE_POOL_MIN unused this long is closed",
    )
    database_read_only: bool = setting(
        "DATABASE_READ_ONLY",
        False,
        parse=parse_bool,
        doc="open the store without creating or changing any table (the audit Job's read-only"
        " role); writes then fail",
    )
    database_audit_role: str | None = setting(
        "DATABASE_AUDIT_ROLE",
        None,
        doc="PostgreSQL role of the audit Job: the migration grants it reading the store and"
        " appending to its audit trail (unset: no grant)",
    )
    database_erasure_role: str | None = setting(
        "DATABASE_ERASURE_ROLE",
        None,
        doc="PostgreSQL role of the erasure Job: reading, the audit trail, and destroying"
        " per-person keys (unset: no grant)",
    )
    database_retention_role: str | None = setting(
        "DATABASE_RETENTION_ROLE",
        None,
        doc="PostgreSQL role of the retention CronJobs: the migration grants it destroying the"
        " keys the retention table expires (never reading one) and, where the table records"
        " events (lockout), appending them (shared/runtime/retention_role.py; unset: no grant)",
    )
    data_dir: Path = setting(
        "DATA_DIR", Path("var"), parse=Path, doc="embedded stores, dev secrets, letter spool"
    )
    pseudonym_key: bytes | None = setting(
        "PSEUDONYM_KEY",
        None,
        parse=parse_key,
        secret=True,
        doc="HMAC key of identifier pseudonyms (base64, ≥32 bytes), the same in every service",
    )
    personal_data_master_key: bytes | None = setting(
        "PERSONAL_DATA_MASTER_KEY",
        None,
        parse=parse_key,
        secret=True,
        doc="wraps the per-person keys of this service's store (base64, ≥32 bytes)",
    )
    notification_public_jwk: dict[str, Any] | None = setting(
        "NOTIFICATION_SEAL_PUBLIC_JWK",
        None,
        parse=parse_json,
        doc="public EC key (JWK JSON) to which codes and contacts are sealed",
    )
    queue_type: str = setting(
        "QUEUE_TYPE",
        "classic",
        parse=parse_queue_type,
        doc="classic | quorum: type of the event queues the services declare (quorum: replicated,"
        " for a RabbitMQ cluster); the same for every service, fixed once a queue exists",
    )
    rpc_timeout_s: float = setting(
        "RPC_TIMEOUT_S", 10.0, parse=float, doc="how long an RPC call waits for its answer (s)"
    )
    relay_enabled: bool = setting("RELAY_ENABLED", True, parse=parse_bool, doc="outbox relay on")
    relay_poll_interval_s: float = setting(
        "RELAY_POLL_INTERVAL_S",
        0.02,
        parse=float,
        doc="polling of the notification log when nothing wakes the relay (SQLite, or PostgreSQL"
        " while the relay is not listening to the store's NOTIFY; 1 s once it is)",
    )
    relay_batch_size: int = setting("RELAY_BATCH_SIZE", 200, parse=int, doc="events per batch")
    relay_coalesce_s: float = setting(
        "RELAY_COALESCE_S",
        0.002,
        parse=float,
        doc="pause of the relay after a commit wakes it, so that a burst is published as one batch",
    )
    consumer_retry_delays_s: tuple[float, ...] = setting(
        "CONSUMER_RETRY_DELAYS_S",
        (1.0, 5.0, 30.0),
        parse=parse_floats,
        doc="backoff of a failing event handler; after the last, the message is dead-lettered",
    )
    snapshot_interval: int = setting("SNAPSHOT_INTERVAL", 50, parse=int, doc="events")
    log_level: str = setting("LOG_LEVEL", "INFO", doc="DEBUG | INFO | WARNING | ERROR")
    http_port: int = setting("HTTP_PORT", 0, parse=int, doc="health and metrics (0: off)")
    # --- agents' access tokens for back-office methods (docs/security.md) ---
    agent_token_issuer: str = setting(
        "AGENT_TOKEN_ISSUER",
        "",
        doc="issuer (iss) of the agents' access tokens: the agency's authorization server. "
        "Required in production; empty in development and test: the operator argument is "
        "trusted instead",
    )
    agent_token_jwks_uri: str = setting(
        "AGENT_TOKEN_JWKS_URI", "", doc="where that issuer publishes its signing keys (JWKS)"
    )
    agent_role_methods: dict[str, Any] | None = setting(
        "AGENT_ROLE_METHODS",
        None,
        parse=parse_json,
        doc="the agency's role table: role -> methods it may call, as JSON, e.g. "
        '{"contacts": ["identity.update_contacts"], "lockout": ["lockout.lift_freeze"]}',
    )
    agent_token_acr_values: tuple[str, ...] = setting(
        "AGENT_TOKEN_ACR_VALUES",
        (),
        parse=parse_names,
        doc="comma-separated acr values accepted in agents' tokens (the multi-factor levels); "
        "empty: not checked here",
    )
    # --- the agents' console (SPEC §19, docs/security.md "Agents and the back office") ---
    agent_reasons: dict[str, Any] | None = setting(
        "AGENT_REASONS",
        None,
        parse=parse_json,
        doc="the reasons an agent may give for a look-up or an action: JSON object code -> "
        "French label (the label is what the person reads in « Mon historique »); unset: "
        + json.dumps(DEFAULT_AGENT_REASONS, ensure_ascii=False),
    )
    agent_default_agency: str = setting(
        "AGENT_DEFAULT_AGENCY",
        "Caf",
        doc="the agency shown to the person when the agent's token has no agency claim",
    )
    agent_name_shown_to_person: bool = setting(
        "AGENT_NAME_SHOWN_TO_PERSON",
        False,
        parse=parse_bool,
        doc="whether « Mon historique » shows the name of the agent who looked or acted "
        "(the agency decides; default: the agency and the reason only)",
    )
    agent_lookups_per_day: int = setting(
        "AGENT_LOOKUPS_PER_DAY",
        200,
        parse=int,
        doc="look-ups of a person (agent_find_account) one agent may make per day (UTC); "
        "over it: agent_lookup_limit, and an alert fires on the per-agent rate",
    )
    # Retention (spec §17): the DPO's durations, one per row of shared/privacy/retention.py.
    retention_connection_sources_days: float = setting(
        "RETENTION_CONNECTION_SOURCES_DAYS",
        183.0,
        parse=float,
        doc="how long the source of a login or refused attempt (IP address, user agent) stays"
        " readable (CNIL délibération 2021-122: 6 months to 1 year)",
    )
    retention_unfinished_registrations_days: float = setting(
        "RETENTION_UNFINISHED_REGISTRATIONS_DAYS",
        30.0,
        parse=float,
        doc="how long the form of a registration never completed stays readable",
    )
    retention_deliveries_days: float = setting(
        "RETENTION_DELIVERIES_DAYS",
        365.0,
        parse=float,
        doc="how long a delivery (message sent or given up, masked address) stays readable",
    )
    retention_request_markers_days: float = setting(
        "RETENTION_REQUEST_MARKERS_DAYS",
        30.0,
        parse=float,
        doc="how long a request's idempotency marker is kept, so that a request delivered"
        " again is not acted on twice (far longer than any redelivery takes)",
    )
    retention_agent_actions_days: float = setting(
        "RETENTION_AGENT_ACTIONS_DAYS",
        1826.0,
        parse=float,
        doc="how long an agent's back-office action (who, why) stays readable",
    )

    secret_fields: ClassVar[tuple[str, ...]] = ("pseudonym_key", "personal_data_master_key")

    @property
    def agent_reason_labels(self) -> dict[str, str]:
        """AGENT_REASONS, or the default list: reason code -> French label."""
        reasons = self.agent_reasons if self.agent_reasons is not None else DEFAULT_AGENT_REASONS
        return {str(code): str(label) for code, label in reasons.items()}

    #: secrets a deployment may go without: never generated, unset means none
    optional_secrets: ClassVar[tuple[str, ...]] = ()
    #: secrets only the running service uses (signing sessions, the providers' and channels'
    #: credentials): the audit tool's settings (``for_tool``) neither require nor hold them
    service_only_secrets: ClassVar[tuple[str, ...]] = ()
    #: secrets that development keeps in a file of their own in DATA_DIR rather than in
    #: dev-secrets.json (the portal's and the console's cookie keys): field -> the value, read
    #: or made from DATA_DIR (``dev_secrets.kept``)
    own_development_secrets: ClassVar[DevelopmentSecrets] = {}

    @classmethod
    def from_mapping(
        cls: type[T], mapping: Mapping[str, Any], service: str, *, tool: bool = False
    ) -> T:
        """Reads every field from ``mapping`` (the environment, or a nameko config). ``tool``:
        the settings of the audit tool on this service's store (:meth:`for_tool`)."""
        values: dict[str, Any] = {"service": service}
        prefix = service.upper() + "_"
        for field in dataclasses.fields(cls):
            if field.name == "service" or (tool and field.name in cls.service_only_secrets):
                continue
            env = field.metadata["env"]
            raw = mapping.get(prefix + env, mapping.get(env))
            if raw is None or raw == "":
                if field.metadata.get("required"):
                    raise SettingsError(
                        f"{prefix + env} or {env} is required ({field.metadata['doc']})"
                    )
                continue
            if not isinstance(raw, str):
                values[field.name] = raw
                continue
            try:
                values[field.name] = field.metadata["parse"](raw)
            except (ValueError, TypeError) as exc:
                raise SettingsError(f"{env}: {exc} ({field.metadata['doc']})") from None
        settings = cls(**values)
        settings._check_environment()
        if not tool:
            settings._check_calls()
        if tool:
            return settings.with_development_secrets(cls.service_only_secrets)
        return settings.with_development_secrets()

    @classmethod
    def for_tool(cls: type[T], mapping: Mapping[str, Any], service: str) -> T:
        """The settings the audit tool and the retention job open this service's store with:
        the store's keys, never the service-only secrets (``service_only_secrets``), which stay
        None even when the environment has them; what only the service calls is not checked."""
        return cls.from_mapping(mapping, service, tool=True)

    @classmethod
    def from_env(cls: type[T], service: str) -> T:
        return cls.from_mapping(os.environ, service)

    def _check_environment(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(f"ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}")

    def _check_calls(self) -> None:
        """Checks of what the running service calls (providers, channels): not the tool's."""

    def with_development_secrets(self: T, skip: tuple[str, ...] = ()) -> T:
        """Fills missing secrets in development (kept in DATA_DIR); refuses that elsewhere.
        ``skip``: secrets left unset (the audit tool's settings)."""
        missing = [
            name
            for name in self.all_secret_fields()
            if getattr(self, name) is None and name not in skip
        ]
        if not missing:
            return self
        if self.environment != "development":
            names = ", ".join(self.env_name(name) for name in missing)
            raise SettingsError(f"{names}: required outside ENVIRONMENT=development")
        own = self.own_development_secrets
        shared = dev_secrets.load_or_create(self.data_dir) if set(missing) - set(own) else {}
        return dataclasses.replace(
            self,
            **{name: own[name](self.data_dir) if name in own else shared[name] for name in missing},
        )

    def all_secret_fields(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self) if f.metadata.get("secret")] + [
            "notification_public_jwk"
        ]

    @classmethod
    def env_name(cls, field_name: str) -> str:
        return next(f.metadata["env"] for f in dataclasses.fields(cls) if f.name == field_name)

    @classmethod
    def documented_variables(cls) -> list[tuple[str, str, str]]:
        """(variable, default, description) of every field, for docs/configuration.md."""
        rows = []
        for field in dataclasses.fields(cls):
            if field.name == "service":
                continue
            if field.metadata.get("required"):
                default = "required"
            elif field.metadata.get("secret"):
                default = (
                    "secret, optional (unset: none)"
                    if field.name in cls.optional_secrets
                    else "secret (generated in development)"
                )
            else:
                default = shown_default(field.default)
            rows.append((field.metadata["env"], default, field.metadata["doc"]))
        return rows

    def __repr__(self) -> str:  # never print a secret
        shown = {
            f.name: ("***" if f.metadata.get("secret") else getattr(self, f.name))
            for f in dataclasses.fields(self)
        }
        return f"{type(self).__name__}({shown})"
