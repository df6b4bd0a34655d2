"""Every error of the API in one shape, ``{code, message, fields}``, with the services' French
messages: the same shape as the services' ``InvalidInput`` (docs/http-api.md lists the codes).

A service's failure is the service's, never the caller's, and one rule maps it (docs/http-api.md,
"Errors"): a service that cannot be reached or did not answer in time is ``503
service_unavailable`` with ``Retry-After`` (trying again later may work); a fault in a service (a
bug: ``RemoteFault``) or a call the broker refused to the gateway's user (its configuration:
``CallRefused``) is ``500 internal_error`` (trying again will not help), logged as an error.

>>> problem(400, "invalid_input", fields={"identifier": ["Ce champ est obligatoire."]})
...                                                                   # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)

from connexion_client import (
    CallRefused,
    InvalidInput,
    RemoteFault,
    ServiceTimeout,
    ServiceUnavailable,
)
from gateway import rpc

log = logging.getLogger("gateway.api")

PREFIX = "/api/v1/"

INVALID_INPUT = "Certains champs sont invalides."
UNAVAILABLE = "Le service est momentanément indisponible. Veuillez réessayer dans quelques minutes."
INTERNAL = "Une erreur interne est survenue. Veuillez réessayer plus tard."
#: Seconds a client should wait before trying a 503 again.
RETRY_AFTER_S = 30

#: InvalidInput codes that mean "this person's session is over" (answered 401, not 400).
SESSION_CODES = frozenset({"session_invalid"})

#: French messages of the HTTP statuses the API may answer without a service.
HTTP_MESSAGES = {
    400: ("bad_request", "Requête invalide : un objet JSON est attendu."),
    401: ("unauthorized", "Authentification du client requise."),
    404: ("not_found", "Cette adresse n'existe pas dans l'API."),
    405: ("method_not_allowed", "Cette méthode n'est pas possible sur cette adresse."),
    413: ("payload_too_large", "Requête trop volumineuse."),
    415: ("unsupported_media_type", "Le corps de la requête doit être du JSON."),
    429: ("rate_limited", "Trop de requêtes : réessayez après le délai indiqué (Retry-After)."),
    500: ("internal_error", INTERNAL),
}


def problem(
    status: int, code: str, message: str = INVALID_INPUT, fields: dict[str, Any] | None = None
) -> Response:
    response = jsonify({"code": code, "message": message, "fields": fields or {}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def invalid_input(error: InvalidInput) -> Response:
    status = 401 if error.code in SESSION_CODES else 400
    return problem(status, error.code, error.message, error.fields)


def unavailable(error: Exception) -> Response:
    # The person's data never reaches this line: only the kind of failure and the request id.
    log.warning("service call failed: %s (request %s)", type(error).__name__, rpc.correlation_id())
    response = problem(503, "service_unavailable", UNAVAILABLE)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def internal(error: RemoteFault) -> Response:
    log.error("service fault: %s (request %s)", error.exc_type, rpc.correlation_id())
    return problem(500, "internal_error", INTERNAL)


def refused(error: CallRefused) -> Response:
    # The broker's text names the method and the user, never the person's data.
    log.error("call refused by the broker: %s (request %s)", error, rpc.correlation_id())
    return problem(500, "internal_error", INTERNAL)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    code, message = HTTP_MESSAGES.get(status, ("http_error", error.name))
    response = problem(status, code, message)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def register(blueprint: Any) -> None:
    """JSON errors for the blueprint's views (once: a blueprint is set up before any app)."""
    blueprint.register_error_handler(InvalidInput, invalid_input)
    for failure in (ServiceUnavailable, ServiceTimeout):
        blueprint.register_error_handler(failure, unavailable)
    blueprint.register_error_handler(RemoteFault, internal)
    blueprint.register_error_handler(CallRefused, refused)
    blueprint.register_error_handler(HTTPException, http_error)


def install(app: Flask) -> None:
    """JSON errors for the addresses under ``/api/v1/`` that match no view (or fail before one:
    a preflight, a rate limit): Flask routes those to the application's handlers, whose pages
    are the portal's HTML."""
    for exception in (
        BadRequest,
        NotFound,
        MethodNotAllowed,
        RequestEntityTooLarge,
        TooManyRequests,
        InternalServerError,
    ):
        _json_under_prefix(app, exception)


def _json_under_prefix(app: Flask, exception: type[HTTPException]) -> None:
    code = exception.code
    registered = app.error_handler_spec.get(None, {}).get(code, {})
    portal: Callable[[Any], Any] | None = registered.get(exception)

    def handle(error: HTTPException) -> Any:
        if request.path.startswith(PREFIX):
            return http_error(error)
        return portal(error) if portal is not None else error

    app.register_error_handler(exception, handle)
