"""delegation.authorize's refusal reasons, in French, for the 403 page (docs/api/delegation.md).

>>> refusal_message("delegation_required")[:40]
"Cette page est réservée à l'allocataire "
"""

from __future__ import annotations

REFUSALS = {
    "delegation_required": "Cette page est réservée à l'allocataire et aux personnes qu'il a"
    " autorisées à gérer le dossier. Demandez à l'allocataire de vous accorder la délégation de"
    " gestion (Mes autorisations).",
    "member_restricted": "Votre espace vous donne accès à vos propres informations uniquement.",
    "no_affiliated_file": "Votre compte n'est pas encore rattaché à un dossier : cette page sera"
    " disponible quand votre numéro de Sécurité sociale et votre dossier seront enregistrés.",
    "allocataire_only": "Seul l'allocataire peut gérer les autorisations du dossier.",
    "other_members_contacts": "Les coordonnées des autres membres du foyer ne sont pas"
    " consultables.",
    "target_not_in_household": "Cette personne ne fait pas partie de votre dossier.",
    "not_own_account": "Cette action ne concerne que votre propre compte.",
    "unknown_account": "Votre compte n'est pas encore connu du dossier. Réessayez dans quelques"
    " instants.",
}
DEFAULT_REFUSAL = "Vous n'avez pas accès à cette page."


def refusal_message(reason: str | None) -> str:
    return REFUSALS.get(reason or "", DEFAULT_REFUSAL)
