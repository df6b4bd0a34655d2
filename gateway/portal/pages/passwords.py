"""The password bubbles' sixth rule, « pas un mot de passe courant »: identity's
``check_password`` asked by portal.js once typing pauses (the other five are checked in the
browser). A form field's value to the same origin, over the same TLS as the form itself; the
answer says which rules hold, never the password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from connexion_client import InvalidInput
from gateway.clients import identity

blueprint = Blueprint("passwords", __name__)


@blueprint.route("/verification-mot-de-passe", methods=["POST"])
def check() -> Any:
    """``{"rules": [{"rule": "common", "ok": true}, …]}``; 400 for a value identity refuses."""
    try:
        answer = identity.check_password(request.form.get("password", ""))
    except InvalidInput:
        return jsonify({"rules": []}), 400
    response = jsonify({"rules": [{"rule": r["rule"], "ok": r["ok"]} for r in answer["rules"]]})
    response.headers["Cache-Control"] = "no-store"
    return response
