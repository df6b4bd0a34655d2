"""The French sentences of the delegation screens, worded as in the agency's webinar.

>>> display_name({"first_names": "eric jean", "birth_name": "Levesque"})
'Eric LEVESQUE'
>>> banner("Florence DUCHAIS")
'Vous autorisez Florence DUCHAIS à gérer votre dossier'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _first_name(first_names: str) -> str:
    first = first_names.replace(",", " ").split()[0] if first_names.strip() else ""
    # Back offices send names in capitals or lower case; the portal shows "Eric", not "ERIC".
    if first.isupper() or first.islower():
        return first.title()
    return first


def display_name(names: Mapping[str, Any] | None) -> str | None:
    """ "Prénom NOM": the first of the first names, then the usage name (else the birth name).

    ``None`` when the names were erased (GDPR) or are missing.
    """
    if not names:
        return None
    last = (names.get("usage_name") or names.get("birth_name") or "").strip()
    first = _first_name(str(names.get("first_names") or ""))
    text = f"{first} {last.upper()}".strip()
    return text or None


def prompt_question(spouse_display_name: str) -> str:
    """The first-login question asked to the allocataire."""
    return (
        f"J'autorise {spouse_display_name} à consulter les données du dossier "
        "et à réaliser les démarches."
    )


def banner(spouse_display_name: str) -> str:
    """The home-page line shown to the allocataire while the delegation holds."""
    return f"Vous autorisez {spouse_display_name} à gérer votre dossier"
