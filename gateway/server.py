"""The gateway's HTTP server: eventlet's WSGI server, without its banner and its echo.

eventlet answers a request it cannot parse (a garbled request line, a bad header) itself, before
the application, through the standard library's ``BaseHTTPRequestHandler``: that answer carries a
``Server: BaseHTTP/… Python/…`` banner, an English page that quotes the request line, and the
request line goes to stderr (a URL may carry a code). ``Protocol`` answers such requests with a
short French page naming only the status, without ``Server``, and logs only the status.

>>> serve(app, "127.0.0.1", 8080)                                     # doctest: +SKIP

:func:`main` is the whole of ``python -m gateway`` and ``python -m console``.
"""

from __future__ import annotations

import logging
import sys
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import eventlet
import eventlet.wsgi

from shared.runtime.logging_setup import configure_logging
from shared.runtime.settings import SettingsError

from . import serving

log = logging.getLogger("gateway.http")

MALFORMED_PAGE = (
    '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
    "<title>Requête invalide</title></head>\n<body><h1>Requête invalide</h1>"
    "<p>Cette requête n'a pas pu être lue (erreur %(code)d). Vérifiez l'adresse saisie.</p>"
    "</body></html>\n"
)


class Protocol(eventlet.wsgi.HttpProtocol):
    """eventlet's protocol, with the refusals of malformed requests quiet and in French."""

    error_message_format = MALFORMED_PAGE
    error_content_type = "text/html; charset=utf-8"

    def version_string(self) -> str:
        return ""

    def send_response(self, code: int, message: str | None = None) -> None:
        # BaseHTTPRequestHandler's, less the Server header
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # no access log (docs/gateway.md, "logs")

    def log_message(self, format: str, *args: Any) -> None:
        # args hold the raw request line: only the kind of refusal is logged
        status = args[0] if args and isinstance(args[0], int) else "?"
        log.info("malformed HTTP request refused before the application (status %s)", status)


def serve(app: Any, bind: str, port: int) -> None:
    """Serves ``app`` for ever on ``bind:port`` (one green thread per request)."""
    listener = eventlet.listen((bind, port))
    run(listener, app)


def run(listener: Any, app: Any) -> None:
    """Serves until SIGTERM or SIGINT, then lets the requests in progress finish (serving.py)."""
    serving.serve(listener, app, protocol=Protocol)


class WebSettings(typing.Protocol):
    """What :func:`main` reads of a web process's settings (the portal's, the console's)."""

    @property
    def bind(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def public_url(self) -> str: ...
    @property
    def log_level(self) -> str: ...


S = TypeVar("S", bound=WebSettings)


def main(name: str, read: Callable[[str], S], create_app: Callable[[S], Any], what: str) -> None:
    """A web process: its settings read under ``name`` (a configuration error ends it with the
    message), its logging, ``create_app(settings)`` served on BIND:PORT until SIGTERM or SIGINT
    (then the requests in progress finish). The caller imports shared.runtime.bootstrap first."""
    try:
        settings = read(name)
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    configure_logging(settings.log_level)
    app = create_app(settings)
    listener = eventlet.listen((settings.bind, settings.port))
    logging.getLogger(name).info(
        "%s on %s (bound to %s:%s)", what, settings.public_url, settings.bind, settings.port
    )
    run(listener, app)
