"""The dossier's token-gated reads and the actions of the console-services branch (#35:
agent_find_account, agent_freeze_status, agent_household_view, agent_end_sessions, households
with a reason, « Mon historique »). They run once that branch is merged: until then identity
has no ``agent_find_account`` and they skip."""

from __future__ import annotations

import inspect
import time

import pytest
from delegation.service import DelegationService
from identity.service import IdentityService
from playwright.sync_api import expect

from connexion_client import InvalidInput
from shared.testing.journeys.people import Person

from .agents import AgentsStack, Console, People, wait_until

pytestmark = pytest.mark.skipif(
    not hasattr(IdentityService, "agent_find_account")
    or "reason" not in inspect.signature(DelegationService.register_household).parameters,
    reason="the console-services branch (#35) is not merged: no agent_find_account yet",
)
NOE = Person("Noé", "Garnier", "M", "01/06/1970", nir="1 70 06 75 400 031", email="noe@exemple.fr")
IRIS = Person(
    "Iris", "Roux", "Mme", "07/07/1992", nir="2 92 07 75 500 041", email="iris@exemple.fr"
)
NOBODY = "1 81 08 75 600 051"
HUGO = Person("Hugo", "Petit", "M", "11/11/1975", nir="1 75 11 75 700 061", email="hugo@exemple.fr")
ALICE = Person(
    "Alice", "Faure", "Mme", "12/12/1977", nir="2 77 12 75 800 071", email="al@exemple.fr"
)
LEON = Person("Léon", "Blanc", "M", "03/03/1980", nir="1 80 03 75 900 081", email="leon@exemple.fr")


def test_the_dossier_shows_the_account_masked_the_freeze_and_the_history(
    console: Console, people: People
) -> None:
    """Given Noé frozen, when Claire finds him, then the dossier shows his name, his address
    masked as he sees it (never in full for her role), the freeze with its time left, and his
    recent history."""
    identifier = people.register(NOE)
    people.freeze(identifier)
    console.sign_in("claire.dupont")
    console.find(NOE.nir or "", reason="appel")
    page = console.page
    expect(page.get_by_text("M Noé GARNIER").or_(page.get_by_text("Noé"))).to_be_visible()
    expect(page.get_by_text("noe@exemple.fr")).to_have_count(0)
    expect(page.get_by_role("region", name="Gel du compte")).to_contain_text("Compte gelé")
    expect(page.get_by_role("region", name="Historique récent")).to_contain_text(
        "Échec de connexion qui a gelé le compte"
    )
    console.shot("dossier-read")


def test_an_unknown_identifier_is_said_so(console: Console) -> None:
    console.sign_in("claire.dupont")
    console.find(NOBODY)
    expect(console.page.locator("#identifier-error")).to_contain_text("Aucun compte")


def test_claire_ends_all_of_iris_sessions(console: Console, people: People) -> None:
    """Given Iris logged in, when Claire ends all her sessions with a reason and a
    confirmation, then Iris's session is no longer valid."""
    identifier = people.register(IRIS)
    answer = people.login(identifier)
    assert answer["outcome"] == "ok"
    token = answer["session"]["token"]
    console.sign_in("claire.dupont")
    console.find(IRIS.nir or "")
    console.act("Fermer toutes les sessions", reason="appel")
    expect(console.page.get_by_role("status")).to_contain_text("c'est fait")
    try:
        assert not people.rpc.call("identity", "verify_session", token)["valid"]
    except InvalidInput as ended:  # a revoked session is refused as expired
        assert ended.code == "session_invalid"
    # « Mon historique »: the look-up and the action, with the agency and the reason, no name
    time.sleep(1.1)  # sessions issued in the second of the revocation are revoked too (iat, s)
    again = people.login(identifier)["session"]["token"]
    history = people.rpc.call("identity", "connection_history", again)
    agents = [e for e in history if e.get("kind") in ("agent_lookup", "agent_action")]
    # the search, then the dossier shown again after the action: each display is a look-up
    assert [e["kind"] for e in agents].count("agent_lookup") == 2, history
    assert {e["kind"] for e in agents} == {"agent_lookup", "agent_action"}, history
    assert all(e["agency"] == "Caf de Paris" for e in agents)
    assert all(e["reason"] == "Appel téléphonique de la personne" for e in agents)
    assert all(e.get("agent_name") is None for e in agents)


def test_a_search_answered_too_late_is_one_look_up_not_two(
    console: Console, people: People, agents_stack: AgentsStack
) -> None:
    """Given a console whose calls give up before the services answer (identity records the
    look-up all the same), when Claire finds Léon, then the dossier opens saying that the
    account could not be read, and Léon's « Mon historique » shows one look-up, not two: the
    dossier is shown from the search's attempt, never read again for the same display."""
    identifier = people.register(LEON)
    url, process = agents_stack.console(CONSOLE_RPC_TIMEOUT_S="0.001")
    try:
        console.url = url
        console.sign_in("claire.dupont")
        console.find(LEON.nir or "", reason="appel")
        account = console.page.get_by_role("region", name="Compte", exact=True)
        expect(account).to_contain_text("n'a pas pu être lue")
    finally:
        process.terminate()
        process.wait(15)
    token = people.login(identifier)["session"]["token"]

    def look_ups() -> list[dict[str, str]]:
        history = people.rpc.call("identity", "connection_history", token)
        return [e for e in history if e.get("kind") == "agent_lookup"]

    assert len(wait_until(look_ups)) == 1
    time.sleep(1)  # a second look-up, sent before the page was shown, would be recorded by now
    assert len(look_ups()) == 1, look_ups()


def test_marc_files_then_changes_a_household_and_the_dossier_shows_it(
    console: Console, people: People
) -> None:
    """Given Hugo and Alice registered, when Marc files their household from Hugo's dossier
    (Hugo allocataire, Alice conjoint) then changes it to Hugo alone, each with a reason and a
    confirmation, then the dossier shows the household as it now is."""
    people.register(HUGO)
    people.register(ALICE)
    console.sign_in("marc.petit")
    console.find(HUGO.nir or "", reason="accueil")
    household = {
        "dossier_number": "D7700123",
        "allocataire_first_names": "Hugo",
        "allocataire_birth_name": "PETIT",
        "conjoint_nir": ALICE.nir or "",
        "conjoint_first_names": "Alice",
        "conjoint_birth_name": "FAURE",
    }
    console.act("Enregistrer un foyer", reason="accueil", **household)
    expect(console.page.get_by_role("status")).to_contain_text("c'est fait")
    section = console.page.get_by_role("region", name="Foyer et délégation")
    expect(section).to_contain_text("Hugo PETIT (allocataire)")
    expect(section).to_contain_text("Alice FAURE (conjoint)")
    console.act(
        "Modifier le foyer",
        reason="accueil",
        dossier_number="D7700123",
        allocataire_first_names="Hugo",
        allocataire_birth_name="PETIT",
    )
    expect(console.page.get_by_role("status")).to_contain_text("c'est fait")
    expect(section).not_to_contain_text("Alice")
