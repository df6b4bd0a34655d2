"""The agents' console's methods of identity (SPEC §19, issue 35) over real RPC, with agents'
access tokens from a real local OpenID provider: find a person by identifier, masked or full
contacts by role, the daily look-up limit, end the sessions, a code by letter; and « Mon
historique », where the person sees each look-up and action (agency, reason, not the name unless
the agency says so).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from identity.domain import AgentLookups

from shared.identifiers import parse_nir
from shared.runtime import metrics
from shared.runtime.rpc import InvalidInput
from shared.testing import application_of, wait_for

from .conftest import CAPTCHA_ANSWER, EMAIL, NIR, OTHER_NIR, Journeys
from .oidc_provider import OidcProvider

AGENCY = "Caf de Paris"
LETTER = {"lines": ["M TEST TEST", "1 RUE DE LA PAIX", "75002 PARIS"]}


@pytest.fixture
def provider(clock: Any) -> Iterator[OidcProvider]:
    started = OidcProvider(clock).start()
    yield started
    started.stop()


def console(journeys: Journeys, services: Any, provider: OidcProvider, **config: Any) -> Journeys:
    """identity and lockout taking the provider's agents' tokens (and ``config``)."""
    journeys.start(**provider.agent_config(), **config)
    journeys.lockout_container = services.restart(
        journeys.lockout_container, **provider.agent_config()
    )
    application_of(journeys.lockout_container).captcha_answers = lambda: CAPTCHA_ANSWER
    return journeys


@pytest.fixture
def agents(journeys: Journeys, services: Any, provider: OidcProvider) -> Journeys:
    return console(journeys, services, provider)


def token(provider: OidcProvider, *roles: str, **claims: Any) -> str:
    return provider.access_token("identity", list(roles or ["accueil"]), agency=AGENCY, **claims)


def refused(call: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as error:
        call()
    return error.value


def lookups_of_the_day(journeys: Journeys, subject: str = "agent-7") -> Any:
    app = journeys.app
    key = app.pseudonyms.of("agent", subject)
    return app.find(AgentLookups.create_id(key, journeys.clock.now().date().isoformat()))


def agent_entries(journeys: Journeys) -> list[dict[str, Any]]:
    history = journeys.rpc.identity.connection_history(journeys.session())
    return [entry for entry in history if entry["kind"] != "connection"]


# -- the gate -------------------------------------------------------------------------------


def test_a_token_without_the_role_is_refused_and_nothing_is_recorded(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    before = agents.app.recorder.max_notification_id()

    for method in ("agent_find_account", "agent_end_sessions", "agent_send_code_by_letter"):
        call = getattr(agents.rpc.identity, method)
        error = refused(lambda: call(NIR, "appel", token(provider, "contacts")))  # noqa: B023
        assert (error.code, error.detail["reason"]) == ("agent_unauthorized", "role")

    assert agents.app.recorder.max_notification_id() == before


def test_a_reason_outside_the_configured_list_is_refused(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()

    error = refused(
        lambda: agents.rpc.identity.agent_find_account(NIR, "curiosité", token(provider))
    )

    assert error.code == "invalid_input" and "reason" in error.detail["fields"]
    assert lookups_of_the_day(agents) is None


# -- find a person ----------------------------------------------------------------------------


def test_a_person_found_is_shown_with_masked_contacts_and_the_look_up_is_recorded(
    agents: Journeys, provider: OidcProvider
) -> None:
    recap = agents.register_with_nir()

    found = agents.rpc.identity.agent_find_account(NIR, "appel", token(provider))

    assert found["found"] is True
    account = found["account"]
    assert (account["identifier_display"], account["identifier_kind"]) == (NIR, "nir")
    assert account["contacts"] == {
        "email": "d****n@t***.fr", "phone": None, "postal_address": False, "full": False,
    }  # fmt: skip
    assert account["created_at"] and account["sessions_open"] == 0
    assert "password_hash" not in str(account) and EMAIL not in str(account)
    lookups = lookups_of_the_day(agents)
    assert lookups.count == 1
    assert recap["account_id"]


def test_a_role_allowed_full_contacts_sees_them_unmasked(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()

    found = agents.rpc.identity.agent_find_account(
        NIR, "accueil", token(provider, "accueil", "gestion")
    )

    assert found["account"]["contacts"]["email"] == EMAIL
    assert found["account"]["contacts"]["full"] is True


def test_a_look_up_of_no_account_is_recorded_too(agents: Journeys, provider: OidcProvider) -> None:
    found = agents.rpc.identity.agent_find_account(OTHER_NIR, "appel", token(provider))

    assert found == {"found": False}
    assert lookups_of_the_day(agents).count == 1


def test_over_the_daily_limit_an_agent_is_refused_and_it_is_counted(
    journeys: Journeys, services: Any, provider: OidcProvider
) -> None:
    agents = console(journeys, services, provider, AGENT_LOOKUPS_PER_DAY="2")
    reached = metrics.AGENT_LOOKUPS.labels(service="identity", outcome="limit_reached")
    was = reached._value.get()
    for _ in range(2):
        agents.rpc.identity.agent_find_account(OTHER_NIR, "appel", token(provider))

    error = refused(
        lambda: agents.rpc.identity.agent_find_account(OTHER_NIR, "appel", token(provider))
    )

    assert error.code == "agent_lookup_limit"
    assert reached._value.get() == was + 1
    assert lookups_of_the_day(agents).count == 2
    # another agent still may
    other = token(provider, sub="agent-8", name="Marc PETIT")
    assert agents.rpc.identity.agent_find_account(OTHER_NIR, "appel", other) == {"found": False}


# -- act --------------------------------------------------------------------------------------


def test_an_agent_ends_every_session_of_the_person(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    session = agents.session()
    seen = agents.rpc.identity.agent_find_account(NIR, "appel", token(provider))
    assert seen["account"]["sessions_open"] == 1

    ended = agents.rpc.identity.agent_end_sessions(NIR, "appel", token(provider))

    assert ended == {"outcome": "ended", "sessions_ended": 1}
    assert agents.rpc.identity.verify_session(session)["valid"] is False


def test_a_code_by_letter_needs_a_postal_address_on_file(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()

    error = refused(
        lambda: agents.rpc.identity.agent_send_code_by_letter(NIR, "courrier", token(provider))
    )

    assert error.code == "no_postal_address"


def test_a_code_by_letter_goes_to_the_postal_address_on_file(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    agents.rpc.identity.update_contacts(
        NIR, {"email": EMAIL, "postal_address": LETTER}, agent_token=token(provider, "contacts")
    )
    agents.codes_read = 1  # the registration's

    sent = agents.rpc.identity.agent_send_code_by_letter(NIR, "courrier", token(provider))

    assert sent["outcome"] == "sent" and sent["reset_id"]
    issued = agents.tap.wait("VerificationCodeIssued", 2)[-1]
    assert (issued["channel"], issued["purpose"]) == ("letter", "password_reset")
    assert agents.unsealer.unseal(issued["sealed"])["address"] == LETTER


# -- « Mon historique » -----------------------------------------------------------------------


def test_the_person_sees_each_look_up_and_action_without_the_agents_name(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    agents.rpc.identity.agent_find_account(NIR, "appel", token(provider), "quelqu'un")
    agents.clock.advance(seconds=60)
    agents.rpc.identity.update_contacts(
        NIR, {"email": "nouvelle@test.fr"}, reason="appel",
        agent_token=token(provider, "contacts"),
    )  # fmt: skip
    agents.clock.advance(seconds=60)
    agents.rpc.identity.agent_end_sessions(NIR, "accueil", token(provider))
    agents.clock.advance(seconds=60)

    entries = agent_entries(agents)

    assert [(e["kind"], e["action"], e["reason"]) for e in entries] == [
        ("agent_action", "agent_end_sessions", "Accueil physique en Caf"),
        ("agent_action", "update_contacts", "Appel téléphonique de la personne"),
        ("agent_lookup", "agent_find_account", "Appel téléphonique de la personne"),
    ]
    assert {e["agency"] for e in entries} == {AGENCY}
    assert {e["agent_name"] for e in entries} == {None}
    # the agent's contact change is shown once, as the agent's action
    history = agents.rpc.identity.connection_history(agents.session())
    assert not [e for e in history if e.get("method") == "agent"]


def test_the_agents_name_is_shown_when_the_agency_configures_it_and_comes_from_the_token(
    journeys: Journeys, services: Any, provider: OidcProvider
) -> None:
    agents = console(journeys, services, provider, AGENT_NAME_SHOWN_TO_PERSON="true")
    agents.register_with_nir()

    agents.rpc.identity.agent_find_account(NIR, "appel", token(provider), "quelqu'un d'autre")

    [entry] = agent_entries(agents)
    assert entry["agent_name"] == "Claire DUPONT"


def test_without_an_agency_claim_the_default_agency_is_shown(
    journeys: Journeys, services: Any, provider: OidcProvider
) -> None:
    agents = console(journeys, services, provider, AGENT_DEFAULT_AGENCY="Caf de la Gironde")
    agents.register_with_nir()

    agents.rpc.identity.agent_find_account(
        NIR, "appel", provider.access_token("identity", ["accueil"])
    )

    [entry] = agent_entries(agents)
    assert entry["agency"] == "Caf de la Gironde"


def test_a_freeze_lifted_by_an_agent_shows_in_the_history_with_its_agency_and_reason(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    assert agents.fail_logins(NIR, 5)[-1]["outcome"] == "frozen"
    for_lockout = provider.access_token("lockout", ["freezes", "accueil"], agency=AGENCY)
    status = agents.rpc.lockout.agent_freeze_status(NIR, "appel", for_lockout)
    assert status["frozen"] is True and status["seconds_left"] > 0

    lifted = agents.rpc.lockout.lift_freeze(NIR, reason="appel", agent_token=for_lockout)

    assert lifted == {"outcome": "lifted"}
    # identity refuses from its freeze cache until lockout's AccountUnfrozen reaches it (#28)
    key = agents.app.store.identifier_key(parse_nir(NIR))
    wait_for(lambda: agents.app.freezes.refusal(key) is None)
    entries = wait_for(lambda: agent_entries(agents))
    assert [(e["action"], e["agency"], e["reason"]) for e in entries] == [
        ("lift_freeze", AGENCY, "Appel téléphonique de la personne")
    ]
    assert agents.rpc.lockout.agent_freeze_status(NIR, "appel", for_lockout)["frozen"] is False


def test_the_freeze_status_is_refused_to_a_token_without_the_role(
    agents: Journeys, provider: OidcProvider
) -> None:
    for_lockout = provider.access_token("lockout", ["freezes"])

    error = refused(lambda: agents.rpc.lockout.agent_freeze_status(NIR, "appel", for_lockout))

    assert (error.code, error.detail["reason"]) == ("agent_unauthorized", "role")


def test_a_household_filed_by_an_agent_shows_in_each_members_history(
    agents: Journeys, services: Any, provider: OidcProvider
) -> None:
    from delegation.service import DelegationService

    services.start(DelegationService, CLOCK=agents.clock, **provider.agent_config())
    recap = agents.register_with_nir()
    # delegation knows the account (AccountCreated), so the file names it
    wait_for(
        lambda: (
            agents.rpc.delegation.delegation_prompt(recap["account_id"])["reason"]
            != "unknown_account"
        )
    )
    members = [{"nir": NIR, "role": "allocataire", "first_names": "Test", "birth_name": "Test"}]
    for_delegation = provider.access_token("delegation", ["households"], agency=AGENCY)

    filed = agents.rpc.delegation.register_household(
        "0123456", members, agent_token=for_delegation, reason="accueil"
    )

    assert filed["outcome"] == "registered"
    entries = wait_for(lambda: agent_entries(agents))
    assert [(e["action"], e["agency"], e["reason"]) for e in entries] == [
        ("register_household", AGENCY, "Accueil physique en Caf")
    ]
