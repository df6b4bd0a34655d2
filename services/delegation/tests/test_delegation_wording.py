"""The French sentences, worded as in the webinar."""

from __future__ import annotations

import pytest
from delegation.wording import banner, display_name, prompt_question


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        ({"first_names": "Eric", "birth_name": "Levesque"}, "Eric LEVESQUE"),
        (
            {"first_names": "FLORENCE MARIE", "birth_name": "MARTIN", "usage_name": "Duchais"},
            "Florence DUCHAIS",
        ),
        ({"first_names": "jean-pierre", "birth_name": "d'Arc"}, "Jean-Pierre D'ARC"),
        ({"first_names": "McKenzie", "birth_name": "Ó Briain"}, "McKenzie Ó BRIAIN"),
        (None, None),
        ({}, None),
    ],
)
def test_display_name_is_first_name_then_name_in_capitals(names, shown):
    assert display_name(names) == shown


def test_prompt_and_banner_use_the_webinar_wording():
    assert prompt_question("Eric LEVESQUE") == (
        "J'autorise Eric LEVESQUE à consulter les données du dossier et à réaliser les démarches."
    )
    assert banner("Florence DUCHAIS") == "Vous autorisez Florence DUCHAIS à gérer votre dossier"
