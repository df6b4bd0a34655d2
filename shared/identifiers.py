"""Login identifiers: the NIR (social-security number) and the provisional identifier.

Parsing is shared by every service that receives one (identity at login and registration,
delegation when the back office registers a household, lockout for ``status``), so that the
keyed pseudonym of an identifier is the same everywhere.

>>> parse_identifier("1 63 06 31 555 082").display
'1 63 06 31 555 082'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir

IdentifierKind = Literal["nir", "provisional"]

_PROVISIONAL = re.compile(r"^P\d{8}$")


class InvalidIdentifier(ValueError):
    """The text is not a NIR nor a provisional identifier; ``message`` is French, for the form."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str  # canonical: 13-character NIR (no key) or "P" + 8 digits

    @property
    def display(self) -> str:
        if self.kind == "provisional":
            return self.value
        v = self.value
        return f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]}"

    @property
    def nir_key_digits(self) -> str:
        """The 2-digit control key of a NIR (97 − number mod 97, 2A→19, 2B→18)."""
        if self.kind != "nir":
            raise ValueError("a provisional identifier has no key")
        return str(stdnum_nir.calc_check_digits(self.value))


def parse_nir(raw: str) -> Identifier:
    """Parses a NIR of 13 characters, or 15 with its key; spaces allowed; Corsica 2A/2B.

    The key, when given, must match; first digit 1/2 (definitive) or 7/8 (temporary, NIA).
    """
    if not isinstance(raw, str):
        raise InvalidIdentifier("nir_invalid", "Numéro de Sécurité sociale invalide.")
    compact = re.sub(r"[\s.\-]", "", raw).upper()
    if len(compact) not in (13, 15):
        raise InvalidIdentifier(
            "nir_length", "Le numéro de Sécurité sociale comporte 13 caractères (15 avec la clé)."
        )
    if compact[0] not in "1278":
        raise InvalidIdentifier("nir_invalid", "Numéro de Sécurité sociale invalide.")
    number = compact[:13]
    try:
        key = compact[13:] or stdnum_nir.calc_check_digits(number)
        stdnum_nir.validate(number + key)
    except StdnumError:
        if len(compact) == 15:
            try:
                stdnum_nir.validate(number + stdnum_nir.calc_check_digits(number))
            except (StdnumError, ValueError):
                pass
            else:
                raise InvalidIdentifier(
                    "nir_key", "La clé du numéro de Sécurité sociale ne correspond pas."
                ) from None
        raise InvalidIdentifier("nir_invalid", "Numéro de Sécurité sociale invalide.") from None
    except ValueError:  # calc_check_digits on a malformed number
        raise InvalidIdentifier("nir_invalid", "Numéro de Sécurité sociale invalide.") from None
    return Identifier("nir", number)


def parse_provisional(raw: str) -> Identifier:
    compact = re.sub(r"\s", "", raw or "").upper()
    if not _PROVISIONAL.match(compact):
        raise InvalidIdentifier(
            "provisional_invalid", "L'identifiant provisoire est un P suivi de 8 chiffres."
        )
    return Identifier("provisional", compact)


def parse_identifier(raw: str) -> Identifier:
    """A login identifier: a provisional identifier if it starts with P, a NIR otherwise."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidIdentifier(
            "identifier_required", "Saisissez votre numéro de Sécurité sociale."
        )
    if raw.strip().upper().startswith("P"):
        return parse_provisional(raw)
    return parse_nir(raw)
