"""What an agent reads for each line of a person's history (identity's ``connection_history``
shape): given an entry, then its French label."""

from __future__ import annotations

import pytest

from console.pages.french import history_label


@pytest.mark.parametrize(
    ("entry", "label"),
    [
        (
            {"kind": "connection", "method": "password", "outcome": "ok"},
            "Connexion réussie — mot de passe",
        ),
        (
            {"kind": "connection", "method": "franceconnect", "outcome": "frozen"},
            "Connexion refusée (compte gelé) — FranceConnect",
        ),
        (
            {"kind": "connection", "method": "self", "outcome": "contacts_changed"},
            "Coordonnées de contact modifiées — par la personne",
        ),
        (
            {"kind": "connection", "method": "agent", "outcome": "contacts_changed"},
            "Coordonnées de contact modifiées — par un agent",
        ),
        (
            {
                "kind": "connection",
                "method": "caf_connect",
                "outcome": "application",
                "application": "appli-mobile",
            },
            "Connexion à une application — Caf connect, application « appli-mobile »",
        ),
        (
            {"kind": "agent_action", "action": "lift_freeze", "agency": "Caf du Rhône"},
            "Action d'un agent — levée du gel, Caf du Rhône",
        ),
    ],
)
def test_each_history_entry_reads_in_french(entry: dict[str, str], label: str) -> None:
    assert history_label(entry) == label
