"""A real portal's security, from maintained libraries (spec §15).

- Flask's signed cookie session: ``HttpOnly``, ``Secure``, ``SameSite=Lax``.
- Flask-WTF's ``CSRFProtect``: a token on every form (the JSON API is exempted by its blueprint).
- Flask-Talisman: CSP without inline script, ``frame-ancestors 'none'``, HSTS, Referrer-Policy.
- ``client_source()``: the person's IP (``X-Forwarded-For`` believed from trusted proxies only)
  and user agent, passed to login as ``source``.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from flask import Flask, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from .settings import GatewaySettings

csrf = CSRFProtect()

#: The largest body the portal and the API accept (413 above: docs/security.md, "Input").
MAX_BODY_BYTES = 64 * 1024

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],  # the captcha image comes as a data: URI
    "media-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def install(app: Flask, settings: GatewaySettings) -> None:
    assert settings.secret_key is not None  # settings refuse to start without one
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="mon_compte",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=True,  # browsers accept Secure cookies on http://localhost
        SESSION_COOKIE_SAMESITE="Lax",
        # the cookie lives as long as the browser; sessions.py times it out (idle, absolute)
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.session_absolute_timeout_s),
        WTF_CSRF_TIME_LIMIT=None,  # bound to the session, which has its own lifetime
        WTF_CSRF_SSL_STRICT=False,  # Referer checks break behind TLS-terminating proxies
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
        MAX_FORM_PARTS=200,
    )
    csrf.init_app(app)
    Talisman(
        app,
        force_https=False,  # TLS ends at the ingress, which redirects http to https
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=True,
        session_cookie_http_only=True,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
    app.config["TRUSTED_PROXIES"] = settings.trusted_proxies


def client_ip(trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> str:
    """The first address, from the right, of X-Forwarded-For that is not a trusted proxy."""
    chain = [request.remote_addr or "0.0.0.0"]  # noqa: S104 - a placeholder, never bound
    if _is_trusted(chain[0], trusted):
        forwarded = request.headers.get("X-Forwarded-For", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()] + chain
    for address in reversed(chain):
        if not _is_trusted(address, trusted):
            return address
    return chain[0]


def client_source() -> dict[str, str]:
    from flask import current_app

    return {
        "ip": client_ip(current_app.config["TRUSTED_PROXIES"]),
        "user_agent": request.headers.get("User-Agent", "")[:256],
    }


def _is_trusted(
    address: str, trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
