"""What the runner checks before starting services, and the message an operator reads when a
check fails: what is wrong, named precisely, and the fix.

A broker or database that answers but refuses (wrong password, missing vhost, missing
database) is not "not reachable": starting it again would not help, so each case says its own
fix. A busy health port names the port and the variable that chose it.

>>> check_broker("amqp://guest:guest@127.0.0.1:5672/")   # doctest: +SKIP
"""

from __future__ import annotations

import errno
import re
import socket
from ssl import SSLError
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection

from .settings import ServiceSettings


class StartupError(SystemExit):
    """Stops the runner with a message for the operator (exit status 1)."""


def _tls_refusal(exc: BaseException | None) -> str | None:
    """The TLS verification failure behind ``exc`` (kombu wraps it), if that is what it is."""
    while exc is not None:
        if isinstance(exc, SSLError):
            return str(getattr(exc, "verify_message", "") or exc.reason or exc)
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return "certificate verify failed"
        exc = exc.__cause__ or exc.__context__
    return None


def check_broker(amqp_uri: str, ssl: dict[str, Any] | None = None) -> None:
    shown = redact(amqp_uri)
    try:
        with Connection(amqp_uri, connect_timeout=5, ssl=ssl) as connection:
            connection.ensure_connection(max_retries=1)
    except AccessRefused:
        raise StartupError(
            f"RabbitMQ at {shown} refused the user name or password of AMQP_URI.\n"
            "Fix the credentials in AMQP_URI (or create that user on the broker)."
        ) from None
    except NotAllowed as exc:
        vhost = Connection(amqp_uri).virtual_host
        detail = "does not exist" if "not found" in str(exc) else "is not open to this user"
        raise StartupError(
            f"RabbitMQ at {shown}: the vhost {vhost!r} of AMQP_URI {detail}.\n"
            f"Create it (`rabbitmqctl add_vhost {vhost}`, then `rabbitmqctl set_permissions"
            f" -p {vhost} <user> '.*' '.*' '.*'`), or fix the vhost in AMQP_URI."
        ) from None
    except Exception as exc:
        refusal = _tls_refusal(exc)
        if refusal is not None:
            raise StartupError(
                f"RabbitMQ at {shown}: TLS refused ({refusal}): the broker's certificate is not"
                " signed by AMQP_CA_FILE or does not name the host of AMQP_URI.\n"
                "Set AMQP_CA_FILE to the CA of the broker's TLS secret (ca.crt), and connect to"
                " a host its certificate names."
            ) from None
        raise StartupError(
            f"RabbitMQ is not reachable at {shown} ({type(exc).__name__}).\n"
            "Start it (on this machine: `make infra`), or set AMQP_URI to a running broker."
        ) from None


#: the server's FATAL messages that mean "reached, but refused" (anything else: unreachable)
_DATABASE_REFUSALS = (
    (
        "password authentication failed",
        "refused the user name or password of {var}",
        "Fix the credentials in {var} (or give that role a password on the server).",
    ),
    (
        'role ".*" does not exist',
        "does not know the user of {var}",
        "Create the role (`createuser`), or fix the user name in {var}.",
    ),
    (
        'database ".*" does not exist',
        "has no database {database!r}",
        "Create it (`createdb {database}`), or fix the database name in {var}.",
    ),
    (
        "no pg_hba.conf entry",
        "does not accept this host or user (pg_hba.conf)",
        "Allow it in pg_hba.conf, or fix the host or user in {var}.",
    ),
)


#: libpq's words when sslmode=verify-full refuses the server's certificate
_TLS_REFUSAL = "certificate verify failed|does not match host name|root certificate file"


def check_store(settings: ServiceSettings) -> None:
    if not settings.database_url:
        return
    import psycopg

    try:
        psycopg.connect(settings.database_url, connect_timeout=5).close()
    except psycopg.Error as exc:
        raise StartupError(store_message(settings, exc)) from None


def store_message(settings: ServiceSettings, exc: Exception) -> str:
    text = str(exc)
    database = _database_name(settings.database_url or "")
    values = {"var": "DATABASE_URL", "database": database}
    where = f"PostgreSQL of {settings.service} ({redact(settings.database_url or '')})"
    for pattern, what, fix in _DATABASE_REFUSALS:
        if "FATAL" in text and re.search(pattern, text):
            return f"{where} {what.format(**values)}.\n{fix.format(**values)}"
    if re.search(_TLS_REFUSAL, text):
        return (
            f"{where}: TLS refused (the server's certificate is not signed by the sslrootcert"
            " of DATABASE_URL, or does not name its host).\n"
            "Set sslrootcert to the CloudNativePG CA (<cluster>-ca secret, ca.crt) and connect"
            " to a host the certificate names (<cluster>-rw, <cluster>-pooler-rw)."
        )
    return (
        f"{where} is not reachable ({type(exc).__name__}).\n"
        "Start it (on this machine: `make infra`), fix DATABASE_URL, or unset DATABASE_URL to"
        " use the embedded store."
    )


def check_http_port(config: dict[str, Any], service: str, port: int) -> None:
    """Refuses to start when another process already listens on ``port``."""
    if not port:
        return
    variable = (
        f"{service.upper()}_HTTP_PORT"
        if config.get(f"{service.upper()}_HTTP_PORT")
        else "HTTP_PORT"
    )
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("0.0.0.0", port))  # noqa: S104  (where the probes will listen)
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise
        reason = "is already in use" if exc.errno == errno.EADDRINUSE else "is not allowed"
        raise StartupError(
            f"The health and metrics port {port} of {service} ({variable}) {reason}.\n"
            f"Stop what listens on it, or set {variable} to a free port (0: no probes)."
        ) from None
    finally:
        probe.close()


def redact(uri: str) -> str:
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def _database_name(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path.lstrip("/") or "postgres"


def plain_text_paths(settings: ServiceSettings, environ: dict[str, str]) -> list[str]:
    """In production, the connections that would cross the network unverified (docs/security.md,
    "TLS inside"): logged as warnings at start, since a local broker or database may be meant."""
    if settings.environment != "production":
        return []
    found = []
    if not settings.amqp_uri.startswith("amqps://"):
        found.append(
            f"AMQP_URI is {redact(settings.amqp_uri)}: plain AMQP, passwords and tokens cross the"
            " network in clear (amqps://, AMQP_CA_FILE)"
        )
    for variable, url in (
        ("DATABASE_URL", settings.database_url),
        ("DATABASE_POOL_URL", settings.database_pool_url),
    ):
        if not url:
            continue
        query = dict(parse_qsl(urlsplit(url).query))
        mode = query.get("sslmode") or environ.get("PGSSLMODE", "prefer")
        if mode != "verify-full":
            found.append(
                f"{variable}: sslmode={mode}, the server's certificate and name are not verified"
                " (sslmode=verify-full with sslrootcert, or PGSSLMODE/PGSSLROOTCERT)"
            )
    return found
