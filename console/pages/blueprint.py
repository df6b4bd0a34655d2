"""The pages' blueprint: signed-in agents only, what every template is given, and what the
agent's roles allow (the agency's table: the menus follow it, the services decide)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, session, url_for

from ..settings import current as settings

blueprint = Blueprint("pages", __name__)


def allowed(method: str) -> bool:
    """Whether the agent's roles allow ``service.method``."""
    return method in settings().methods_of(tuple(session.get("agent", {}).get("roles", [])))


@blueprint.before_request
def signed_in_only() -> Any:
    if "agent" not in session:
        return redirect(url_for("signin.home"))
    return None


@blueprint.app_context_processor
def shared() -> dict[str, Any]:
    return {
        "agent": session.get("agent"),
        "reasons": settings().agent_reason_labels,
        "demonstration": settings().environment != "production",
        "errors": {},
    }
