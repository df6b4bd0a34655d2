"""The seed's Mon Compte menu: each entry, the catalogue action that guards it, and whether this
system serves it (the others open an honest « hors du périmètre » page, never invented data).

>>> ENTRIES["paiements"].action
'view_payments_and_rights'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    slug: str
    label: str
    action: str
    qualifiers: dict[str, Any] = field(default_factory=dict)
    endpoint: str | None = None  # served by this system; None: outside this demonstration
    about_self: bool = False  # the action's target is the person themself


MENU = (
    MenuEntry("paiements", "Mes paiements et mes droits", "view_payments_and_rights"),
    MenuEntry("attestations", "Mes attestations", "download_attestation"),
    MenuEntry("ressources", "Mes ressources", "view_resources", about_self=True),
    MenuEntry("demarches", "Suivre mes démarches", "track_procedures"),
    MenuEntry("separation", "Déclarer une séparation", "declare_change", {"kind": "separation"}),
    MenuEntry("changement", "Déclarer un changement", "declare_change", {"kind": "address"}),
    MenuEntry("simulation", "Simuler une prestation", "simulate_benefit"),
    MenuEntry(
        "demande-aah", "Demander une prestation (AAH)", "request_benefit", {"benefit": "AAH"}
    ),
    MenuEntry(
        "demande-prestation",
        "Demander une autre prestation",
        "request_benefit",
        {"benefit": "ALS"},
    ),
    MenuEntry("courriers", "Courriers", "view_mail"),
    MenuEntry("agenda", "Mon agenda", "view_agenda"),
    MenuEntry(
        "contact-telephone", "Contacter ma Caf par téléphone", "contact_caf", {"channel": "phone"}
    ),
    MenuEntry("contact-mail", "Contacter ma Caf par mail", "contact_caf", {"channel": "email"}),
    MenuEntry(
        "profil",
        "Mon profil",
        "view_member_personal_info",
        endpoint="account.profile",
        about_self=True,
    ),
)
ENTRIES = {entry.slug: entry for entry in MENU}

#: « Gérer Mon Compte »: pages this system serves, each behind its catalogue action.
MANAGE = (
    MenuEntry(
        "autorisations",
        "Mes autorisations",
        "manage_authorizations",
        endpoint="account.authorizations",
    ),
    MenuEntry("historique", "Mon historique", "view_history", endpoint="account.history"),
    MenuEntry(
        "mot-de-passe",
        "Modifier mon mot de passe",
        "change_own_password",
        endpoint="account.change_password",
    ),
)
