"""Agents' access tokens for back-office methods (SPEC §16, issue 17 item 1), against a real
local OpenID Connect provider standing in for the agency's authorization server.

Given an agent's access token for the target service, when a back-office method is called, then
the operator recorded is the token's agent; a missing, expired, forged, mis-addressed,
too-long-lived, under-privileged or ID token is refused with ``agent_unauthorized`` and stores
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.identifiers import parse_identifier as app_identifier
from shared.runtime import metrics
from shared.runtime.rpc import InvalidInput
from shared.testing import application_of

from .conftest import CAPTCHA_ANSWER, NIR, OTHER_NIR, Journeys
from .oidc_provider import OidcProvider

NEW_CONTACTS = {"email": "nouvelle.adresse@test.fr"}


@pytest.fixture
def provider(clock: Any) -> Iterator[OidcProvider]:
    started = OidcProvider(clock).start()
    yield started
    started.stop()


@pytest.fixture
def agents(journeys: Journeys, services: Any, provider: OidcProvider) -> Journeys:
    """identity and lockout accepting the provider's agents' tokens."""
    journeys.start(**provider.agent_config())
    journeys.lockout_container = services.restart(
        journeys.lockout_container, **provider.agent_config()
    )
    application_of(journeys.lockout_container).captcha_answers = lambda: CAPTCHA_ANSWER
    return journeys


def stored_count(journeys: Journeys) -> int:
    return journeys.app.recorder.max_notification_id() or 0


def refusal(call: Any) -> str:
    with pytest.raises(InvalidInput) as error:
        call()
    assert error.value.code == "agent_unauthorized"
    return str(error.value.detail["reason"])


def test_the_operator_recorded_is_the_agent_of_the_token(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    token = provider.access_token("identity", ["contacts"])

    answer = agents.rpc.identity.update_contacts(
        NIR, NEW_CONTACTS, "quelqu'un d'autre", agent_token=token
    )

    assert answer == {"outcome": "updated"}
    (updated,) = agents.tap.wait("ContactsUpdated")
    assert updated["operator"] == "Claire DUPONT (agent-7)"  # never the argument


#: (how the token is wrong, the reason given)
BAD_TOKENS = [
    (lambda p: None, "missing"),
    (lambda p: p.access_token("identity", ["contacts"], lifetime_s=-1), "expired"),
    (lambda p: p.access_token("identity", ["contacts"], lifetime_s=3600), "lifetime"),
    (lambda p: p.access_token("identity", ["contacts"], foreign=True), "signature"),
    (lambda p: p.access_token("lockout", ["contacts"]), "audience"),
    (lambda p: p.access_token("identity", ["freezes"]), "role"),
    (lambda p: p.access_token("identity", ["contacts"], typ="JWT"), "not_an_access_token"),
    (lambda p: p.access_token("identity", ["contacts"], iss="https://x"), "issuer"),
    (lambda p: p.access_token("identity", ["contacts"], acr="eidas1"), "acr"),
    (lambda p: "pas.un.jeton", "signature"),
]


def test_a_bad_token_is_refused_with_a_stable_code_counted_and_nothing_stored(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    before = stored_count(agents)

    for token_of, reason in BAD_TOKENS:
        counted = metrics.AGENT_REFUSALS.labels(
            service="identity", method="update_contacts", reason=reason
        )
        was = counted._value.get()
        token = token_of(provider)
        refused = refusal(
            lambda: agents.rpc.identity.update_contacts(
                NIR,
                NEW_CONTACTS,
                "agent-42",
                agent_token=token,  # noqa: B023 (called at once)
            )
        )
        assert (refused, counted._value.get()) == (reason, was + 1)

    assert stored_count(agents) == before


def test_each_service_takes_only_tokens_addressed_to_it(
    agents: Journeys, provider: OidcProvider
) -> None:
    for_lockout = provider.access_token("lockout", ["freezes"])
    for_identity = provider.access_token("identity", ["freezes"])

    lifted = agents.rpc.lockout.lift_freeze(NIR, reason="appel", agent_token=for_lockout)

    assert lifted == {"outcome": "not_frozen"}
    assert refusal(
        lambda: agents.rpc.lockout.lift_freeze(NIR, reason="appel", agent_token=for_identity)
    ) == ("audience")


def test_delegation_takes_the_agent_of_the_token_for_household_files(
    agents: Journeys, services: Any, provider: OidcProvider
) -> None:
    from delegation.service import DelegationService

    services.start(DelegationService, CLOCK=agents.clock, **provider.agent_config())
    members = [{"nir": NIR, "role": "allocataire", "first_names": "Daniel", "birth_name": "Morvan"}]
    for_identity = provider.access_token("identity", ["households"])
    for_delegation = provider.access_token("delegation", ["households"])

    assert refusal(
        lambda: agents.rpc.delegation.register_household("0123456", members, "x", for_identity)
    ) == ("audience")
    filed = agents.rpc.delegation.register_household("0123456", members, agent_token=for_delegation)

    assert filed["outcome"] == "registered", filed


# -- the agents' console's methods (issue 35): the same gate ------------------------------------


def test_the_consoles_methods_refuse_a_token_without_the_role_and_record_the_tokens_agent(
    agents: Journeys, provider: OidcProvider
) -> None:
    agents.register_with_nir()
    before = stored_count(agents)
    without = provider.access_token("identity", ["contacts"])
    for method in ("agent_find_account", "agent_end_sessions", "agent_send_code_by_letter"):
        call = getattr(agents.rpc.identity, method)
        assert refusal(lambda: call(NIR, "appel", without)) == "role"  # noqa: B023
    assert refusal(
        lambda: agents.rpc.lockout.agent_freeze_status(
            NIR, "appel", provider.access_token("lockout", ["freezes"])
        )
    ) == ("role")
    assert stored_count(agents) == before

    with_role = provider.access_token("identity", ["accueil"], agency="Caf de Paris")
    agents.rpc.identity.agent_find_account(NIR, "appel", with_role, "quelqu'un d'autre")

    app = agents.app
    [entry] = app.store.account_for(app_identifier(NIR)).agent_history
    assert entry["agent_name"].value == "Claire DUPONT"  # the token's, never the argument
    assert entry["agency"] == "Caf de Paris"


def test_delegation_shows_a_household_to_the_consoles_role_only(
    agents: Journeys, services: Any, provider: OidcProvider
) -> None:
    from delegation.service import DelegationService

    services.start(DelegationService, CLOCK=agents.clock, **provider.agent_config())
    members = [{"nir": NIR, "role": "allocataire", "first_names": "Daniel", "birth_name": "Morvan"}]
    agents.rpc.delegation.register_household(
        "0123456", members, agent_token=provider.access_token("delegation", ["households"])
    )
    without = provider.access_token("delegation", ["households"])
    with_role = provider.access_token("delegation", ["accueil"])

    assert refusal(lambda: agents.rpc.delegation.agent_household_view(NIR, "appel", without)) == (
        "role"
    )
    seen = agents.rpc.delegation.agent_household_view(NIR, "appel", with_role)
    nobody = agents.rpc.delegation.agent_household_view(OTHER_NIR, "appel", with_role)

    assert seen["found"] is True and seen["delegation"]["state"] == "not_asked"
    assert seen["members"] == [
        {"role": "allocataire", "name": "Daniel MORVAN", "is_person": True,
         "has_account": False, "identifier_display": NIR},
    ]  # fmt: skip
    assert nobody == {"found": False}
