"""What every answer of the gateway gets, whatever produced it (a page, the API, an error page):
docs/security.md, "Every answer".

- ``Cache-Control: no-store`` unless the answer set its own (the static files): pages show
  personal data, and a shared computer's cache must keep none of it;
- no CORS: no ``Access-Control-*`` header ever, and ``OPTIONS`` (a CORS preflight) answered
  ``405`` with ``Allow``, like any other method a route does not take;
- no ``Server`` header (``gateway/server.py`` removes eventlet's own);
- a failure logs its type, the endpoint and the request id, never its message (which may quote
  what the person typed).

The security headers themselves (CSP, HSTS, frame options, Referrer-Policy) are Talisman's
(``security.py``); the French error pages are ``errors.py``'s and the API's ``problems.py``'s.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed

from .rpc import correlation_id

log = logging.getLogger("gateway")

CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


def install(app: Flask) -> None:
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # routes added from now on

    @app.before_request
    def refuse_preflight() -> None:
        if request.method == "OPTIONS":
            allowed = _allowed_methods(app)
            raise MethodNotAllowed(valid_methods=allowed)

    @app.after_request
    def every_answer(response: Response) -> Response:
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        for header in CORS_HEADERS:
            response.headers.pop(header, None)
        response.headers.pop("Server", None)
        if response.status_code not in (429, 503):  # Flask-Limiter adds it to every answer
            response.headers.pop("Retry-After", None)
        return response

    app.log_exception = _log_exception  # type: ignore[method-assign]


def _allowed_methods(app: Flask) -> list[str]:
    adapter = app.url_map.bind_to_environ(request.environ)
    try:
        methods = adapter.allowed_methods()
    except Exception:
        methods = []
    return sorted(set(methods) - {"OPTIONS"})


def _log_exception(exc_info: ExcInfo) -> None:
    """Flask's log of an unhandled exception, without the exception's message."""
    kind, _, trace = exc_info
    frames = "".join(traceback.format_tb(trace)) if trace is not None else ""
    log.error(
        "unhandled %s at %s (request %s)\n%s",
        kind.__name__ if kind is not None else "error",
        request.endpoint,
        correlation_id(),
        frames,
    )
