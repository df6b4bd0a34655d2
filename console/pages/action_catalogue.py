"""The actions an agent may take from a dossier, each the call of one back-office method
(``service.method``, as in the agency's role table), with what it will do in French, the
fields it asks for, and what its answer may say instead of « c'est fait »."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    slug: str
    method: str  # service.method, as in the agency's role table
    title: str
    explanation: str
    fields: tuple[tuple[str, str, str], ...] = ()  # (name, label, hint)
    provisional_only: bool = False


HOUSEHOLD_FIELDS = (
    ("dossier_number", "Numéro de dossier", "4 à 20 chiffres ou lettres"),
    ("allocataire_nir", "NIR de l'allocataire", "Exemple : 1 85 05 75 123 456"),
    ("allocataire_first_names", "Prénoms de l'allocataire", "Comme sur l'état civil"),
    ("allocataire_birth_name", "Nom de naissance de l'allocataire", "Comme sur l'état civil"),
    ("conjoint_nir", "NIR du conjoint (facultatif)", "Laissez vide s'il n'y a pas de conjoint"),
    ("conjoint_first_names", "Prénoms du conjoint", "Facultatif"),
    ("conjoint_birth_name", "Nom de naissance du conjoint", "Facultatif"),
)


ACTIONS = {
    action.slug: action
    for action in (
        Action(
            "lever-le-gel",
            "lockout.lift_freeze",
            "Lever le gel du compte",
            "La personne pourra de nouveau se connecter tout de suite ; le compteur d'échecs"
            " repart de zéro.",
        ),
        Action(
            "coordonnees",
            "identity.update_contacts",
            "Mettre à jour les coordonnées",
            "Les anciennes coordonnées sont prévenues d'abord ; les nouvelles remplacent les"
            " anciennes.",
            (
                ("email", "Nouvelle adresse mail", "Exemple : nom@exemple.fr (facultatif)"),
                (
                    "phone",
                    "Nouveau numéro de téléphone mobile",
                    "Exemple : 06 12 34 56 78 (facultatif)",
                ),
            ),
        ),
        Action(
            "attribuer-un-nir",
            "identity.assign_nir",
            "Attribuer un NIR",
            "Le NIR remplace définitivement l'identifiant provisoire ; les sessions de la personne"
            " sont fermées.",
            (("nir", "NIR à attribuer", "13 chiffres et la clé, exemple : 1 85 05 75 123 456 78"),),
            provisional_only=True,
        ),
        Action(
            "fermer-les-sessions",
            "identity.agent_end_sessions",
            "Fermer toutes les sessions",
            "La personne est déconnectée de tous ses appareils.",
        ),
        Action(
            "enregistrer-un-foyer",
            "delegation.register_household",
            "Enregistrer un foyer",
            "Le foyer est créé avec sa composition ; ses membres pourront gérer la délégation.",
            HOUSEHOLD_FIELDS,
        ),
        Action(
            "modifier-le-foyer",
            "delegation.update_household",
            "Modifier le foyer",
            "La composition saisie remplace toute la composition actuelle du foyer.",
            HOUSEHOLD_FIELDS,
        ),
        Action(
            "code-par-courrier",
            "identity.agent_send_code_by_letter",
            "Envoyer un code par courrier",
            "Un code de réinitialisation du mot de passe part par courrier à l'adresse postale"
            " connue ; il vaut 30 jours.",
        ),
    )
}

#: What an action's answer may say instead of « c'est fait ».
OUTCOMES = {
    "unknown_identifier": "aucun compte ne correspond à cet identifiant, rien n'a été fait.",
    "unknown_account": "aucun compte ne correspond à cet identifiant, rien n'a été fait.",
    "not_frozen": "le compte n'était pas gelé, rien n'a été fait.",
}
