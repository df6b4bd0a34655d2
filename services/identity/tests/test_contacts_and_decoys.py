"""Contacts as typed, as shown masked; decoy channels for unknown people."""

from __future__ import annotations

import pytest
from identity.decoys import decoy_channels

from shared.contacts import (
    InvalidContactError,
    mask_email,
    mask_phone,
    normalize_email,
    normalize_mobile,
)


def test_masks_are_the_specs():
    assert mask_email("daniel@test.fr") == "d****l@t***.fr"
    assert mask_email("dupont.jean@orange.fr") == "d****n@o***.fr"
    assert mask_phone("0612345612") == "06 ** ** ** 12"


@pytest.mark.parametrize(
    "typed", ["06 12 34 56 12", "06.12.34.56.12", "+33 6 12 34 56 12", "0033612345612"]
)
def test_french_mobiles_are_accepted_however_typed(typed):
    assert normalize_mobile(typed) == "0612345612"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        pytest.param("0690 12 34 56", "0690123456", id="Guadeloupe"),
        pytest.param("+590 691 22 34 56", "0691223456", id="Guadeloupe-international"),
        pytest.param("0696 12 34 56", "0696123456", id="Martinique"),
        pytest.param("+596 697 12 34 56", "0697123456", id="Martinique-international"),
        pytest.param("0694 20 12 34", "0694201234", id="Guyane"),
        pytest.param("+594 694 20 12 34", "0694201234", id="Guyane-international"),
        pytest.param("0692 12 34 56", "0692123456", id="La Réunion"),
        pytest.param("+262 693 12 34 56", "0693123456", id="La Réunion-international"),
        pytest.param("0639 01 23 45", "0639012345", id="Mayotte"),
        pytest.param("+262 639 01 23 45", "0639012345", id="Mayotte-international"),
    ],
)
def test_overseas_mobiles_are_accepted_in_their_national_form(typed, kept):
    assert normalize_mobile(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "0112345612",
        "061234561",
        "06123456123",
        "+44 7911 123456",
        "0590 12 34 56",  # a landline of Guadeloupe: no SMS
        "+262 262 12 34 56",  # a landline of La Réunion
    ],
)
def test_other_numbers_are_refused(typed):
    with pytest.raises(InvalidContactError):
        normalize_mobile(typed)


def test_emails_keep_their_local_part_and_lower_their_domain():
    assert normalize_email(" Daniel.Morvan@Test.FR ") == "Daniel.Morvan@test.fr"
    with pytest.raises(InvalidContactError):
        normalize_email("daniel.morvan@test")


def test_decoys_are_stable_for_the_same_input_and_vary_between_inputs():
    seeds = [f"{n:064x}" for n in range(40)]
    shown = [decoy_channels(seed) for seed in seeds]

    assert shown == [decoy_channels(seed) for seed in seeds]
    assert {channels[0]["channel"] for channels in shown} == {"email", "sms"}
    assert len({channels[0]["masked"] for channels in shown}) > 20
