"""The services' answers that are not the one asked for: their agents' gate refusals
(shared/runtime/agent_tokens.py) in French, and the failures that leave a part unread."""

from __future__ import annotations

from typing import Any

from flask import render_template

from connexion_client import (
    CallRefused,
    InvalidInput,
    RemoteFault,
    ServiceTimeout,
    ServiceUnavailable,
)

#: The agents' gate's reasons (``agent_token`` field of ``agent_unauthorized``), in French.
REFUSALS = {
    "role": "Votre rôle ne permet pas cette action : la table des rôles de la Caf la réserve à"
    " d'autres agents.",
    "acr": "Votre connexion n'a pas le niveau multi-facteur requis pour cette action.",
    "expired": "Votre autorisation pour cette action a expiré : recommencez.",
    "lifetime": "L'autorisation délivrée pour cette action n'est pas valable : recommencez.",
}
REFUSAL_DEFAULT = (
    "Le service n'a pas reconnu votre autorisation d'agent (configuration du fournisseur"
    " d'identité) : signalez-le à votre support."
)
#: A call that did not answer (or failed): what it reads is shown as unavailable.
UNAVAILABLE = (ServiceUnavailable, ServiceTimeout, RemoteFault, CallRefused)


def refusal_text(refusal: InvalidInput) -> str:
    reasons = refusal.fields.get("agent_token") or [""]
    return REFUSALS.get(str(reasons[0]), REFUSAL_DEFAULT)


def refused(refusal: InvalidInput) -> Any:
    """The page of a call the agents' gate refused (403)."""
    return render_template(
        "refused.html", title="Action refusée", why="service", text=refusal_text(refusal)
    ), 403
