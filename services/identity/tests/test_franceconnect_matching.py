"""The rules that match FranceConnect's pivot identity to an account (docs/franceconnect.md):
a table of civil statuses and identifiers, the verdict each gets."""

from __future__ import annotations

import pytest
from identity.franceconnect.pivot import PivotIdentity, decide

TOULOUSE_MAN = PivotIdentity.from_claims(
    {"given_name": "Test Test", "family_name": "TEST", "birthdate": "1963-06-01",
     "gender": "male", "birthplace": "31555", "birthcountry": "99100"}
)  # fmt: skip
ORAN_MAN = PivotIdentity.from_claims(
    {"given_name": "Daniel", "family_name": "MORVAN", "birthdate": "1962-09-09",
     "gender": "male", "birthplace": "", "birthcountry": "99352"}
)  # fmt: skip
IN_FRANCE = {"civility": "M", "birth_place": {"in_france": True, "department": "31"}}
ABROAD = {"civility": "M", "birth_place": {"in_france": False, "country": "ALGERIE"}}


@pytest.mark.parametrize(
    ("pivot", "civil_status", "nir", "verdict"),
    [
        (TOULOUSE_MAN, IN_FRANCE, "1630631555082", "match"),  # NIR digits 6-10 = 31555
        (TOULOUSE_MAN, IN_FRANCE, "1630631556082", "mismatch"),  # another commune
        (TOULOUSE_MAN, IN_FRANCE, "2630631555082", "mismatch"),  # a woman's NIR
        (TOULOUSE_MAN, IN_FRANCE, "7630631555082", "unverified"),  # NIA: no place in it
        (TOULOUSE_MAN, IN_FRANCE, None, "unverified"),  # provisional, department agrees
        (TOULOUSE_MAN, {**IN_FRANCE, "civility": "Mme"}, None, "mismatch"),
        (TOULOUSE_MAN, {"civility": "M", "birth_place": {"in_france": True,
                                                         "department": "33"}}, None, "mismatch"),
        (TOULOUSE_MAN, ABROAD, None, "mismatch"),
        (ORAN_MAN, ABROAD, "1620999352123", "match"),  # 99 + 352: Algeria
        (ORAN_MAN, ABROAD, "1620999351123", "mismatch"),  # 99 + 351: Tunisia
        (ORAN_MAN, ABROAD, None, "unverified"),  # "ALGERIE" typed, not a code
    ],
)  # fmt: skip
def test_each_candidate_gets_a_verdict(pivot, civil_status, nir, verdict):
    assert pivot.judge(civil_status, nir) == verdict


def test_only_a_single_verified_match_with_no_doubt_links():
    assert decide({"a": "match", "b": "mismatch"}) == "a"
    assert decide({"a": "match", "b": "match"}) is None  # homonyms
    assert decide({"a": "match", "b": "unverified"}) is None  # perhaps the same person twice
    assert decide({"a": "unverified"}) is None
    assert decide({}) is None


def test_an_incomplete_or_partial_pivot_identity_matches_nobody():
    claims = {"given_name": "Daniel", "family_name": "MORVAN", "birthdate": "1962-09-09",
              "gender": "male", "birthcountry": "99352"}  # fmt: skip
    assert PivotIdentity.from_claims(claims) is not None
    assert PivotIdentity.from_claims({**claims, "birthdate": "1962-00-00"}) is None
    assert PivotIdentity.from_claims({**claims, "family_name": None}) is None
