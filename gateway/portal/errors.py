"""Error pages in French: a refused page (403), a missing one (404), a method a route does not
take (405, a CORS preflight included), an expired form (CSRF), an unreadable request (400), a
body too large (413), too many requests (429, with Retry-After), a fault (500) and the services
being unreachable (503). No stack trace, no identifier: the request's id only. Under
``/api/v1/`` the API answers its JSON problems instead (``api/problems.py``)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    InternalServerError,
    MethodNotAllowed,
    RequestEntityTooLarge,
    TooManyRequests,
)

from connexion_client import RemoteFault, ServiceTimeout, ServiceUnavailable
from gateway.rpc import correlation_id

log = logging.getLogger("gateway")


def install(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def expired_form(_: CSRFError) -> Any:
        return render_template(
            "error.html",
            title="Formulaire expiré",
            message="Ce formulaire a expiré ou a déjà été envoyé."
            " Rechargez la page, puis recommencez.",
        ), 400

    @app.errorhandler(404)
    def not_found(_: Any) -> Any:
        return render_template(
            "error.html", title="Page introuvable", message="Cette page n'existe pas."
        ), 404

    @app.errorhandler(405)
    def not_allowed(error: MethodNotAllowed) -> Any:
        page = render_template(
            "error.html", title="Action impossible", message="Cette action n'est pas possible ici."
        )
        return page, 405, {"Allow": ", ".join(error.valid_methods or [])}

    @app.errorhandler(BadRequest)
    def bad_request(_: BadRequest) -> Any:
        return render_template(
            "error.html",
            title="Requête invalide",
            message="Cette demande n'a pas pu être lue. Revenez à la page précédente et"
            " recommencez.",
        ), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_: RequestEntityTooLarge) -> Any:
        return render_template(
            "error.html",
            title="Envoi trop volumineux",
            message="Les informations envoyées dépassent la taille autorisée. Rien n'a été"
            " enregistré.",
        ), 413

    @app.errorhandler(TooManyRequests)
    def too_many(_: TooManyRequests) -> Any:
        return render_template(
            "error.html",
            title="Trop de demandes",
            message="Trop de demandes ont été reçues depuis votre connexion. Veuillez patienter"
            " quelques instants, puis recommencez.",
        ), 429

    @app.errorhandler(InternalServerError)
    def internal(_: InternalServerError) -> Any:
        return render_template(
            "error.html",
            title="Erreur interne",
            message="Une erreur interne est survenue. Veuillez réessayer plus tard.",
            reference=correlation_id(),
        ), 500

    @app.errorhandler(ServiceUnavailable)
    @app.errorhandler(ServiceTimeout)
    @app.errorhandler(RemoteFault)
    def unavailable(exc: Exception) -> Any:
        log.warning("service call failed: %s (request %s)", type(exc).__name__, correlation_id())
        return render_template(
            "error.html",
            title="Service momentanément indisponible",
            message="Le service est momentanément indisponible. Veuillez réessayer dans quelques"
            " minutes.",
            reference=correlation_id(),
        ), 503
