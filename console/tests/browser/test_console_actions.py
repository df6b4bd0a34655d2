"""The agents' console in the browser, against the real services and the development agents'
provider: each action of main's back office (lift a freeze, update contacts, attribute a NIR),
allowed and refused roles, and the audit timeline naming the agent who acted."""

from __future__ import annotations

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
PAUL = Person(
    "Paul", "Lenoir", "M", "03/03/1979", nir="1 79 03 75 200 011", email="paul@exemple.fr"
)
LEA = Person("Léa", "Morvan", "Mme", "05/05/1990", email="lea.console@exemple.fr")
LEA_NIR = "2 90 05 75 100 003"


def timeline(stack: AgentsStack, identifier: str) -> str:
    """``python -m audit timeline`` on the services' stores (docs/audit.md)."""
    env = {**stack.stack.env, "AUDIT_OPERATOR": "test.console", "AUDIT_REASON": "test"}
    done = subprocess.run(
        [sys.executable, "-m", "audit", "timeline", identifier],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
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
    expect(console.page.get_by_role("status")).to_contain_text(
        "Lever le gel du compte : c'est fait."
    )

    assert people.login(identifier)["outcome"] == "ok"
    assert "Claire DUPONT (agent-claire-dupont)" in timeline(agents_stack, identifier)


def test_marc_updates_pauls_contacts_and_the_timeline_names_him(
    console: Console, people: People, agents_stack: AgentsStack
) -> None:
    """Given Paul, who lost his mailbox, when Marc (gestion) gives him a new address with a
    reason and a confirmation, then the new address receives Paul's next code, and the audit
    timeline shows the update by Marc."""
    identifier = people.register(PAUL)
    console.sign_in("marc.petit")
    console.find(PAUL.nir or "", reason="accueil")
    console.act("Mettre à jour les coordonnées", reason="accueil", email="paul.nouveau@exemple.fr")
    expect(console.page.get_by_role("status")).to_contain_text(
        "Mettre à jour les coordonnées : c'est fait."
    )
    assert "Marc PETIT (agent-marc-petit)" in timeline(agents_stack, identifier)
    started = people.rpc.call(
        "identity", "start_password_reset", identifier, PAUL.birth_name, people.captcha()
    )
    assert [c["channel"] for c in started["channels"]] == ["email"]
    seen = agents_stack.stack.count_to("paul.nouveau@exemple.fr")
    people.rpc.call("identity", "send_password_reset_code", started["reset_id"], "email")
    assert agents_stack.stack.code_sent_to("paul.nouveau@exemple.fr", after=seen)


def test_claire_may_not_update_contacts_and_the_console_says_why(
    console: Console, people: People
) -> None:
    """Given Claire (accueil only), when she opens a dossier, then « Mettre à jour les
    coordonnées » is not in her menu; when she goes to its address anyway, then identity's
    agents' gate refuses and the console says it is her role."""
    people.register(JONAS)
    console.sign_in("claire.dupont")
    console.find(JONAS.nir or "")
    page = console.page
    expect(page.get_by_role("link", name="Lever le gel du compte")).to_be_visible()
    expect(page.get_by_role("link", name="Mettre à jour les coordonnées")).to_have_count(0)
    expect(page.get_by_role("link", name="Attribuer un NIR")).to_have_count(0)
    page.goto(console.url + "/dossier/coordonnees")
    page.fill("#email", "jonas.autre@exemple.fr")
    page.select_option("#reason", "appel")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action refusée")
    expect(page.get_by_role("alert")).to_contain_text("Votre rôle ne permet pas cette action")
    console.shot("refused")


def test_marc_attributes_a_nir_to_a_provisional_identifier(
    console: Console, people: People, agents_stack: AgentsStack
) -> None:
    """Given Léa, registered without a NIR (a provisional identifier), when Marc attributes her
    NIR after a confirmation, then she logs in with the NIR and the timeline names Marc."""
    provisional = people.register(LEA)
    assert provisional.startswith("P")
    console.sign_in("marc.petit")
    console.find(provisional, reason="courrier")
    console.act("Attribuer un NIR", reason="courrier", nir=LEA_NIR)
    expect(console.page.get_by_role("status")).to_contain_text("Attribuer un NIR : c'est fait.")
    expect(console.page.locator(".identifier").first).to_have_text(LEA_NIR)
    assert people.login(LEA_NIR)["outcome"] == "ok"
    assert "Marc PETIT (agent-marc-petit)" in timeline(agents_stack, LEA_NIR)
    assert PASSWORD
