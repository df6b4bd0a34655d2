"""The console's error pages, in French: the provider that ended the agent's session (back to
sign-in), the provider or a service unavailable, an expired form, a page not found."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, render_template, session, url_for
from flask_wtf.csrf import CSRFError

from connexion_client import ConnexionError

from .. import agency, metrics


def install_errors(app: Flask) -> None:
    @app.errorhandler(agency.ProviderSessionEnded)
    def provider_ended(_: Exception) -> Any:
        metrics.PROVIDER_SESSIONS_ENDED.inc()
        session.clear()
        session["ended"] = "provider"
        return redirect(url_for("signin.home"))

    @app.errorhandler(agency.ProviderUnavailable)
    def provider_unavailable(_: Exception) -> Any:
        return render_template(
            "error.html", title="Fournisseur d'identité indisponible", code=503
        ), 503

    @app.errorhandler(ConnexionError)
    def service_unavailable(_: Exception) -> Any:
        return render_template("error.html", title="Service indisponible", code=503), 503

    @app.errorhandler(CSRFError)
    def csrf_refused(_: Exception) -> Any:
        return render_template("error.html", title="Formulaire expiré", code=400), 400

    @app.errorhandler(404)
    def not_found(_: Exception) -> Any:
        return render_template("error.html", title="Page introuvable", code=404), 404

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> Any:
        return render_template("error.html", title="Page introuvable", code=405), 405
