"""Accessibilité, Mentions légales, Informatique et libertés (templates the agency completes),
the security advice CONNEXION links to, and the « version contrastée » choice (a cookie; works
without JavaScript)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
)

from gateway import redirects
from shared.privacy.notice import privacy_notice_sections

from ..layout import CONTRAST_COOKIE

blueprint = Blueprint("legal", __name__)


@blueprint.route("/accessibilite")
def accessibility() -> Any:
    return render_template("legal/accessibility.html", title="Déclaration d'accessibilité")


@blueprint.route("/mentions-legales")
def legal_notice() -> Any:
    return render_template("legal/legal_notice.html", title="Mentions légales")


@blueprint.route("/conseils-de-securite")
def security_advice() -> Any:
    """« Pour consulter nos conseils de sécurité, suivez le guide » (CONNEXION's foot)."""
    return render_template("legal/security_advice.html", title="Conseils de sécurité")


@blueprint.route("/informatique-et-libertes")
def privacy() -> Any:
    """The GDPR art. 13 notice, written from the retention table with the durations the DPO set
    (the platform's ``RETENTION_*`` settings, which the gateway reads like the services)."""
    sections = privacy_notice_sections(current_app.config["GATEWAY_SETTINGS"])
    return render_template(
        "legal/privacy.html", title="Informatique et libertés", sections=sections
    )


@blueprint.route("/affichage", methods=["POST"])
def contrast() -> Any:
    response = make_response(redirects.back_to(request.form.get("next"), "connexion.home"))
    choice = "contraste" if request.form.get("affichage") == "contraste" else "standard"
    response.set_cookie(
        CONTRAST_COOKIE,
        choice,
        max_age=395 * 24 * 3600,
        secure=True,
        httponly=True,
        samesite="Lax",
    )
    return response
