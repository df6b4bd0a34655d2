"""The console's application factory: its own cookie (``console_agent``), CSRF on every form, a
strict CSP (no script at all), the agent's session timeouts, the sign-in at the agency's
provider and the pages.

>>> app = create_app(ConsoleSettings.from_mapping({...}, "console"))      # doctest: +SKIP
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, redirect, session, url_for
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from connexion_client import ConnexionClient
from shared.runtime import broker_tls

from . import agency, metrics, pages, rpc, signin
from .settings import CONFIG_KEY, ConsoleSettings

FOLDER = Path(__file__).resolve().parent
PICO = FOLDER.parent / "gateway" / "portal" / "node_modules" / "@picocss" / "pico" / "css"
COOKIE = "console_agent"
#: The clock of the timeouts (seconds since the epoch).
clock = time.time

csrf = CSRFProtect()


def content_security_policy(settings: ConsoleSettings) -> dict[str, Any]:
    """No script, no frame, nothing from elsewhere; forms post here, and the logout's redirect
    goes to the agency's provider (Chromium checks form-action on redirects)."""
    parts = urlsplit(settings.oidc_issuer)
    provider = f"{parts.scheme}://{parts.netloc}"
    return {
        "default-src": "'none'",
        "style-src": "'self'",
        "img-src": "'self'",
        "form-action": ["'self'", provider],
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
    }


def create_app(settings: ConsoleSettings, client: ConnexionClient | None = None) -> Flask:
    app = Flask(
        __name__, template_folder=str(FOLDER / "templates"), static_folder=str(FOLDER / "static")
    )
    app.config[CONFIG_KEY] = settings
    assert settings.secret_key is not None  # settings refuse to start without one
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME=COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,  # browsers accept Secure cookies on http://localhost
        SESSION_COOKIE_SAMESITE="Lax",  # the provider's redirect back is a top-level GET
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.session_absolute_timeout_s),
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=32 * 1024,
        MAX_FORM_MEMORY_SIZE=32 * 1024,
    )
    csrf.init_app(app)
    Talisman(
        app,
        force_https=False,  # TLS ends at the agency's ingress
        strict_transport_security=True,
        content_security_policy=content_security_policy(settings),
        frame_options="DENY",
        referrer_policy="no-referrer",
        session_cookie_secure=True,
        session_cookie_http_only=True,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
    rpc.install(
        app,
        client
        or ConnexionClient(
            settings.amqp_uri,
            caller=settings.broker_caller,
            timeout=settings.rpc_timeout_s,
            ssl=broker_tls.ssl_options(settings.amqp_uri, settings.amqp_ca_file),
        ),
    )
    agency.install(app, settings)
    metrics.install(app)
    _install_timeouts(app, settings)

    @app.after_request
    def no_store(response: Any) -> Any:
        response.headers["Cache-Control"] = "no-store"  # a person's data, on a shared desk
        return response

    @app.route("/static/vendor/pico.min.css")
    def pico() -> Any:
        from flask import send_from_directory

        return send_from_directory(PICO, "pico.min.css", max_age=3600)

    @app.get("/health/live")
    def live() -> Any:
        return {"status": "ok"}

    @app.get("/health/ready")
    def ready() -> Any:
        """Ready when the agents' provider answers its discovery (no sign-in without it)."""
        try:
            agency.metadata()
        except Exception:  # any failure to reach or read it: not ready
            return {"status": "unavailable"}, 503
        return {"status": "ok"}

    app.register_blueprint(signin.blueprint)
    app.register_blueprint(pages.blueprint)
    pages.install_errors(app)
    return app


def _install_timeouts(app: Flask, settings: ConsoleSettings) -> None:
    idle, absolute = settings.session_idle_timeout_s, settings.session_absolute_timeout_s

    @app.before_request
    def time_out() -> Any:
        if "agent" not in session:
            return None
        now = int(clock())
        if (
            now - int(session.get("seen_at", now)) > idle
            or now - int(session.get("opened_at", now)) > absolute
        ):
            session.clear()
            g.session_timed_out = True
            session["ended"] = "expired"
            return redirect(url_for("signin.home"))
        session["seen_at"] = now
        return None
