"""Civil status ("état civil") as the registration form gives it, as the récapitulatif shows it,
and as the identifier recovery matches it.

>>> matching_text("Morvan", "Daniel  Jean", "1962-09-09")
'MORVAN|DANIEL JEAN|1962-09-09'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

CIVIL_STATUS_FIELDS = (
    "civility",
    "birth_name",
    "first_names",
    "usage_name",
    "birth_date",
    "birth_place",
    "resides_in_france",
    "postal_code",
    "identity_document",
    "parents",
)


def fold_name(name: str) -> str:
    """Upper case, no accents, single spaces: "  Lévêque-d'Arc " -> "LEVEQUE D ARC"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-']+", " ", plain).strip().upper()


def matching_text(birth_name: str, first_names: str, birth_date_iso: str) -> str:
    """What two registrations of the same person share, whatever the typing."""
    return f"{fold_name(birth_name)}|{fold_name(first_names)}|{birth_date_iso}"


def civil_status_of(form: dict[str, Any]) -> dict[str, Any]:
    """The civil-status part of a registration form (what the récapitulatif shows)."""
    return {name: form.get(name) for name in CIVIL_STATUS_FIELDS}


def display_name(civil_status: dict[str, Any]) -> str:
    """ "Prénom NOM" for letters and messages: the first first name, the usage or birth name."""
    first = (civil_status.get("first_names") or "").split(" ")[0].capitalize()
    last = civil_status.get("usage_name") or civil_status.get("birth_name") or ""
    return f"{first} {last.upper()}".strip()
