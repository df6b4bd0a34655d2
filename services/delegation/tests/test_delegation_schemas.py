"""The RPC edge: field-level French messages, stable codes, normalised values."""

from __future__ import annotations

import pytest
from delegation.schemas import AuthorizeForm, HouseholdForm

from shared.runtime.rpc import InvalidInput, load_or_reject

ALLOCATAIRE = {
    "nir": "1 63 06 31 555 082",
    "role": "allocataire",
    "first_names": "Jonas",
    "birth_name": "DUCHAIS",
}


def rejected(schema, data, code="invalid_household"):
    with pytest.raises(InvalidInput) as error:
        load_or_reject(schema, data, code=code)
    assert error.value.code == code
    return error.value.fields


def test_every_bad_member_field_is_reported_at_once():
    member = {
        "nir": "1 63 06 31 555 083 99",
        "role": "chef",
        "first_names": " ",
        "birth_name": "X1",
    }
    fields = rejected(HouseholdForm(), {"dossier_number": "12", "members": [member]})
    assert fields["dossier_number"] == ["Numéro de dossier invalide : 4 à 20 chiffres ou lettres."]
    assert fields["members"][0] == {
        "nir": ["La clé du numéro de Sécurité sociale ne correspond pas."],
        "role": ["Rôle inconnu : allocataire, conjoint, co_allocataire, enfant ou autre."],
        "first_names": ["1 à 100 caractères."],
        "birth_name": ["Nom invalide : lettres, espaces, tirets, apostrophes."],
    }


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([{**ALLOCATAIRE, "role": "enfant"}], "Le dossier compte exactement un allocataire."),
        (
            [
                ALLOCATAIRE,
                {**ALLOCATAIRE, "nir": "2850275123456", "role": "conjoint"},
                {**ALLOCATAIRE, "nir": "1850175000011", "role": "co_allocataire"},
            ],
            "Le dossier compte au plus un conjoint ou co-allocataire.",
        ),
        (
            [ALLOCATAIRE, {**ALLOCATAIRE, "nir": "1 63 06 31 555 082 51", "role": "enfant"}],
            "Une même personne figure deux fois dans le dossier.",
        ),
    ],
)
def test_composition_rules(members, message):
    fields = rejected(HouseholdForm(), {"dossier_number": "0123456", "members": members})
    assert fields == {"members": [message]}


def test_values_are_normalised():
    data = load_or_reject(
        HouseholdForm(),
        {
            "dossier_number": " 0123 45a ",
            "members": [{**ALLOCATAIRE, "first_names": "Jonas  Paul"}],
        },
    )
    assert data["dossier_number"] == "012345A"
    assert data["members"][0]["nir"].value == "1630631555082"
    assert data["members"][0]["first_names"] == "Jonas Paul"
    assert data["members"][0]["usage_name"] is None


def test_authorize_accepts_any_action_name_but_checks_shapes():
    ok = load_or_reject(
        AuthorizeForm(),
        {"account_id": "6d0ab0a6-5ad5-4c3e-9f5c-0c1cbcf0b0a1", "action": "teleport"},
    )
    assert ok["action"] == "teleport" and ok["target_account_id"] is None
    fields = rejected(
        AuthorizeForm(), {"account_id": "x", "action": "", "channel": 3}, code="invalid_input"
    )
    assert set(fields) == {"account_id", "action", "channel"}
