"""Contact details: French mobile numbers (overseas departments included), e-mail addresses,
and how they are shown masked.

A code goes only to contact details already on file; the masked form lets the person recognise
their own address without revealing it to someone else (spec §8): ``d****n@t***.fr``,
``06 ** ** ** 12``.

>>> mask_email("daniel@test.fr")
'd****l@t***.fr'
>>> mask_phone("0612345612")
'06 ** ** ** 12'
"""

from __future__ import annotations

import re

from shared.mobile_numbers import national_mobile

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)

LETTER_MASK = "courrier à votre adresse postale"


class InvalidContactError(ValueError):
    """The address is not a French mobile number / an e-mail address (French message)."""


def normalize_mobile(raw: str) -> str:
    """``normalize_mobile("+33 6 12 34 56 12")`` -> "0612345612"; the mobiles of metropolitan
    France and of the overseas departments (``+590 690 12 34 56`` -> "0690123456")."""
    national = national_mobile(raw)
    if national is None:
        raise InvalidContactError(
            "Saisissez un numéro de téléphone portable français de 10 chiffres (06 ou 07,"
            " ou un portable d'outre-mer : 0690, 0694, 0696, 0692, 0639…)."
        )
    return national


def normalize_email(raw: str) -> str:
    """``normalize_email(" Daniel.Morvan@Test.fr ")`` -> "Daniel.Morvan@test.fr"."""
    text = (raw or "").strip()
    if len(text) > 254 or not _EMAIL.match(text):
        raise InvalidContactError("Saisissez une adresse mail valide (exemple : nom@domaine.fr).")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def mask_email(email: str) -> str:
    local, _, domain = email.rpartition("@")
    name, _, tld = domain.rpartition(".")
    shown_local = f"{local[0]}****{local[-1]}" if len(local) > 1 else f"{local}****"
    return f"{shown_local}@{name[:1]}***.{tld}"


def mask_phone(phone: str) -> str:
    return f"{phone[:2]} ** ** ** {phone[-2:]}"


def display_phone(phone: str) -> str:
    return " ".join(phone[i : i + 2] for i in range(0, 10, 2))
