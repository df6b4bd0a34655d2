"""The agents' console in the browser, against the real services and the development agents'
provider: each action of main's back office (lift a freeze, update contacts, attribute a NIR),
allowed and refused roles, and the audit timeline naming the agent who acted."""

from __future__ import annotations

import os
import subprocess
import sys

from playwright.sync_api import expect

from gateway.tests.browser.stack import ROOT
from shared.testing.journeys.people import PASSWORD, Person

from .agents import AgentsStack, Console, People

FLORENCE = Person(
    "Florence", "Martin", "Mme", "14/02/1987", nir="2 87 02 75 123 456", email="florence@exemple.fr"
)
JONAS = Person(
    "Jonas", "Duchais", "M", "14/05/1985", nir="1 85 05 75 123 456", email="jonas@exemple.fr"
)
PAUL = Person("Paul", "Lenoir", "M", "03/03/1979", nir="1 79 03 75 200 011", email="paul@exemple.fr")
LEA = Person("Léa", "Morvan", "Mme", "05/05/1990", email="lea.console@exemple.fr")
LEA_NIR = "2 90 05 75 100 003"


def timeline(stack: AgentsStack, identifier: str) -> str:
    """``python -m audit timeline`` on the services' stores (docs/audit.md)."""
    env = {**stack.stack.env, "AUDIT_OPERATOR": "test.console", "AUDIT_REASON": "test"}
    done = subprocess.run(
        [sys.executable, "-m", "audit", "timeline", identifier],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_claire_lifts_florences_freeze_and_the_timeline_names_her(
    console: Console, people: People, agents_stack: AgentsStack
) -> None:
    """Given Florence frozen after wrong passwords, when Claire (accueil) finds her by NIR and
    lifts the freeze with a reason and a confirmation, then Florence logs in at once, and the
    audit timeline shows the lift by Claire."""
    identifier = people.register(FLORENCE)
    assert people.freeze(identifier)["outcome"] == "frozen"
    assert people.login(identifier)["outcome"] == "frozen"

    console.sign_in("claire.dupont")
    expect(console.page.get_by_text("Claire DUPONT")).to_be_visible()
    console.find(FLORENCE.nir or "")
    expect(console.page.get_by_role("heading", level=1)).to_have_text("Dossier de la personne")
    console.shot("dossier")
    console.act("Lever le gel du compte", reason="appel")
    expect(console.page.get_by_role("status")).to_contain_text("Lever le gel du compte : c'est fait.")

    assert people.login(identifier)["outcome"] == "ok"
    assert "Claire DUPONT (agent-claire-dupont)" in timeline(agents_stack, identifier)
