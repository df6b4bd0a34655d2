"""The pivot identity FranceConnect certifies, and how it is matched to an account.

A candidate is an account with the same birth name, first names and birth date (the
:class:`CivilStatusIndex`, names folded: case, accents, hyphens). Each candidate is then judged:

- ``match``: sex and birth place agree, and were checked against a definitive NIR (its digits
  6 to 10 are the INSEE (COG) code of the birth commune, or 99 + the country code for a birth
  abroad: exactly FranceConnect's ``birthplace`` / ``birthcountry``);
- ``mismatch``: something checkable disagrees (sex, born in France or abroad, department);
- ``unverified``: nothing disagrees but the birth place cannot be proven (a provisional or
  temporary (NIA) identifier: the commune or country was typed as a name, not a code).

The sub is linked automatically only when exactly one candidate is a ``match`` and no other is
``unverified``; otherwise the person logs in once with their identifier and password to link.

>>> PivotIdentity.from_claims({"family_name": "Test", …}).judge(account)   # doctest: +SKIP
'match'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FRANCE = "99100"
SEX_OF_NIR_DIGIT = {"1": "male", "7": "male", "2": "female", "8": "female"}
SEX_OF_CIVILITY = {"M": "male", "Mme": "female"}


@dataclass(frozen=True)
class PivotIdentity:
    family_name: str  # birth name
    given_name: str  # first names, space separated
    birthdate: str  # YYYY-MM-DD
    gender: str  # male | female
    birthplace: str  # COG code of the commune, empty when born abroad
    birthcountry: str  # COG code of the country, 99100 for France

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> PivotIdentity | None:
        """None when a claim is missing or malformed (nothing can be matched then)."""
        values = {
            name: claims.get(name)
            for name in ("family_name", "given_name", "birthdate", "gender", "birthcountry")
        }
        if not all(isinstance(v, str) and v for v in values.values()):
            return None
        birthplace = claims.get("birthplace") or ""
        if not isinstance(birthplace, str) or not _is_full_date(str(values["birthdate"])):
            return None
        return cls(birthplace=birthplace, **values)  # type: ignore[arg-type]

    @property
    def born_in_france(self) -> bool:
        return self.birthcountry == FRANCE

    @property
    def place_code(self) -> str:
        """Where the person was born, as a NIR writes it: commune code, or 99 + country."""
        return self.birthplace if self.born_in_france else self.birthcountry

    def judge(self, civil_status: dict[str, Any], nir: str | None) -> str:
        """``match``, ``mismatch`` or ``unverified`` (see the module's rules).

        ``nir``: the account's 13-character NIR, None for a provisional identifier.
        """
        civility = civil_status.get("civility") or ""
        sex = SEX_OF_NIR_DIGIT.get(nir[0]) if nir else SEX_OF_CIVILITY.get(civility)
        if sex != self.gender.lower():
            return "mismatch"
        if nir and nir[0] in "12":
            return "match" if nir[5:10] == self.place_code else "mismatch"
        place = civil_status.get("birth_place") or {}
        if bool(place.get("in_france")) != self.born_in_france:
            return "mismatch"
        if self.born_in_france and not _same_department(place.get("department"), self.birthplace):
            return "mismatch"
        return "unverified"


def _same_department(department: Any, commune_code: str) -> bool:
    if not isinstance(department, str) or not department:
        return False
    # Overseas departments have 3 digits (971…976) and their communes 971xx: compare the prefix.
    return commune_code.upper().startswith(department.upper())


def _is_full_date(text: str) -> bool:
    # FranceConnect writes unknown parts of a birth date as 00: such a date matches nobody.
    parts = text.split("-")
    return len(parts) == 3 and all(p.isdigit() for p in parts) and "00" not in parts[1:]


def decide(judgements: dict[Any, str]) -> Any | None:
    """The one account to link, or None (no match, or ambiguous).

    >>> decide({"a": "match", "b": "mismatch"})
    'a'
    >>> decide({"a": "match", "b": "unverified"}) is None
    True
    """
    matches = [key for key, verdict in judgements.items() if verdict == "match"]
    unverified = [key for key, verdict in judgements.items() if verdict == "unverified"]
    if len(matches) == 1 and not unverified:
        return matches[0]
    return None
