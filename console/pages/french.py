"""The templates' filters: a date as the agent reads it (Paris time), and an entry of the
person's history (identity's ``connection_history`` shape) in French."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .blueprint import blueprint

PARIS = ZoneInfo("Europe/Paris")
HISTORY_KINDS = {
    "agent_lookup": "Consultation par un agent",
    "agent_action": "Action d'un agent",
}
CONNECTION_OUTCOMES = {
    "ok": "Connexion réussie",
    "invalid_credentials": "Échec de connexion (mot de passe erroné)",
    "invalid_credentials_froze": "Échec de connexion qui a gelé le compte",
    "captcha_required": "Connexion refusée (captcha demandé)",
    "source_throttled": "Connexion refusée (trop de tentatives depuis cette adresse)",
    "frozen": "Connexion refusée (compte gelé)",
    "password_reset_required": "Connexion refusée (mot de passe à réinitialiser)",
    "contacts_changed": "Coordonnées de contact modifiées",
    "application": "Connexion à une application",
}
METHODS = {
    "password": "mot de passe",
    "franceconnect": "FranceConnect",
    "self": "par la personne",
    "agent": "par un agent",
    "caf_connect": "Caf connect",
}
ACTION_LABELS = {
    "agent_find_account": "consultation du compte",
    "lift_freeze": "levée du gel",
    "update_contacts": "mise à jour des coordonnées",
    "assign_nir": "attribution du NIR",
    "agent_end_sessions": "fermeture des sessions",
    "agent_send_code_by_letter": "code envoyé par courrier",
    "register_household": "enregistrement du foyer",
    "update_household": "modification du foyer",
}


@blueprint.app_template_filter("french_datetime")
def french_datetime(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(PARIS).strftime("%d/%m/%Y à %Hh%M")


@blueprint.app_template_filter("history_label")
def history_label(entry: dict[str, Any]) -> str:
    """An entry of the person's history (identity's ``connection_history`` shape) in French."""
    kind = entry.get("kind", "connection")
    if kind == "connection":
        outcome = str(entry.get("outcome"))
        label = CONNECTION_OUTCOMES.get(outcome, f"Connexion ({outcome})")
        method = METHODS.get(str(entry.get("method")), entry.get("method"))
        if entry.get("application"):  # a Caf connect client: its id (the registry is the gateway's)
            method = f"{method}, application « {entry['application']} »"
        return label + (f" — {method}" if method else "")
    label = HISTORY_KINDS.get(str(kind), str(kind))
    action = ACTION_LABELS.get(str(entry.get("action")), entry.get("action"))
    details = [str(v) for v in (action, entry.get("agency"), entry.get("reason")) if v]
    return label + (" — " + ", ".join(details) if details else "")
