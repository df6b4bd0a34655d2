"""The people of the journeys and the forms they fill in (the seed's "Créer Mon Compte")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PASSWORD = "Bonjour2024Caf"
NEW_PASSWORD = "Nouveau2024Passe"
WRONG_PASSWORD = "Mauvais2024Mdp"


@dataclass(frozen=True)
class Person:
    """Who registers: civil status, one contact (mail or mobile), and a NIR or none."""

    first_names: str
    birth_name: str
    civility: str
    birth_date: str
    nir: str | None = None
    email: str | None = None
    mobile: str | None = None

    @property
    def channel(self) -> str:
        return "email" if self.email else "sms"

    @property
    def address(self) -> str:
        return str(self.email or self.mobile)

    @property
    def phone_e164(self) -> str:
        """The mobile as the SMS gateway receives it: ``06 12 34 56 12`` -> ``+33612345612``."""
        assert self.mobile is not None
        return "+33" + self.mobile.replace(" ", "")[1:]

    @property
    def display_name(self) -> str:
        """As the back office files the person in a household: ``Jonas DUCHAIS``."""
        return f"{self.first_names} {self.birth_name.upper()}"

    def registration_form(self, captcha: dict[str, str] | None = None) -> dict[str, Any]:
        """Step 1 (état civil): with a NIR and a French identity card, or without a NIR (born
        abroad, parents' names, no French document, a captcha)."""
        form: dict[str, Any] = {
            "has_nir": self.nir is not None,
            "nir": self.nir,
            "civility": self.civility,
            "birth_name": self.birth_name,
            "first_names": self.first_names,
            "usage_name": None,
            "birth_date": self.birth_date,
            "resides_in_france": True,
            "postal_code": "92000",
            "benefit_request": "ALS",
            "captcha": captcha,  # every registration (SPEC §16)
        }
        if self.nir is not None:
            return {
                **form,
                "birth_place": {"in_france": True, "department": "75", "commune": "Paris"},
                "identity_document": {
                    "type": "identity_card",
                    "number": "X4RTBPFW4",
                    "issue_date": "12/03/2019",
                },
            }
        return {
            **form,
            "birth_place": {"in_france": False, "country": "Algerie", "city": "Oran"},
            "identity_document": {"type": "none"},
            "parent_1": {"birth_name": self.birth_name, "first_names": "Jean"},
            "parent_2": {"birth_name": self.birth_name, "first_names": "Jeanne"},
            "captcha": captcha,
        }

    def as_member(self, role: str, nir: str | None = None) -> dict[str, Any]:
        """The person as the back office files them in a household (``register_household``)."""
        return {
            "nir": nir or self.nir,
            "role": role,
            "first_names": self.first_names,
            "birth_name": self.birth_name,
        }


JONAS = Person(
    "Jonas", "Duchais", "M", "14/01/1985", nir="1 85 01 75 100 001", email="jonas.duchais@test.fr"
)
FLORENCE = Person(
    "Florence", "Duchais", "Mme", "20/01/1985", nir="2 85 01 75 100 002", mobile="06 12 34 56 12"
)
DANIEL = Person("Daniel", "Morvan", "M", "09/09/1962", mobile="06 98 76 54 32")
LEA = Person("Léa", "Morvan", "Mme", "05/05/1990", email="lea.morvan@test.fr")
#: The NIR the agency assigns to Léa, who registered without one.
LEA_NIR = "2 90 05 75 100 003"
#: A NIR nobody registered with (anti-enumeration).
NOBODY_NIR = "1 91 07 75 100 004"
