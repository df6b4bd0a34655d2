"""« Mon historique » as a person reads it (issue #35 item 6): given identity's history with
agents' look-ups and actions, then the page lists each in French (date, what, the agency, the
reason), the agent's name only when identity gives it."""

from __future__ import annotations

import pytest
from fake_services import FakeServices, Visitor
from page_reader import Page
from test_my_account_pages import logged_in  # noqa: F401  (fixture)

CONNECTION = {"kind": "connection", "at": "2024-03-05T09:00:00+00:00", "method": "password",
              "outcome": "ok", "source": None, "source_kept_until": None,
              "source_kept_for": "6 mois"}  # fmt: skip
LOOKUP = {"kind": "agent_lookup", "at": "2024-03-05T10:00:00+00:00", "agency": "Caf de Paris",
          "reason": "Appel téléphonique de la personne", "action": "agent_find_account",
          "agent_name": None}  # fmt: skip
LIFT = {**LOOKUP, "kind": "agent_action", "at": "2024-03-05T10:05:00+00:00",
        "action": "lift_freeze", "agent_name": "Claire DUPONT"}  # fmt: skip


@pytest.fixture
def history(logged_in: Visitor, fake_services: FakeServices) -> Page:  # noqa: F811
    fake_services.answer("identity.connection_history", [LIFT, LOOKUP, CONNECTION])
    response = logged_in.get("/mon-compte/historique")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def test_each_agents_look_up_and_action_is_listed_with_agency_and_reason(history: Page) -> None:
    text = history.text

    assert "Consultations et actions des agents de la Caf" in text
    assert "Consultation de votre compte" in text and "Déblocage de votre compte" in text
    assert text.count("agent de : Caf de Paris") == 2
    assert text.count("Appel téléphonique de la personne") == 2


def test_the_agents_name_appears_only_when_identity_gives_it(history: Page) -> None:
    text = history.text

    assert text.count("Claire DUPONT") == 1  # the lift's; the look-up has none


def test_the_connections_stay_apart(history: Page) -> None:
    assert "Connexion réussie" in history.text
