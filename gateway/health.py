"""Probes for Kubernetes: ``/health/live`` (the process answers) and ``/health/ready`` (identity
answers over RPC: without it no page can be served)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from connexion_client import ConnexionError

from .clients import identity

blueprint = Blueprint("health", __name__, url_prefix="/health")


@blueprint.route("/live")
def live() -> Any:
    return jsonify(status="ok")


@blueprint.route("/ready")
def ready() -> Any:
    try:
        identity.session_keys()
    except ConnexionError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
