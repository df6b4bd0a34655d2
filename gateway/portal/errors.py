"""Error pages in French: a refused page (403), a missing one (404), an expired form (CSRF), and
the services being unreachable (503). No stack trace, no identifier: the request's id only."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

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
    def not_allowed(_: Any) -> Any:
        return render_template(
            "error.html", title="Action impossible", message="Cette action n'est pas possible ici."
        ), 405

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
