"""FranceConnect login over real RPC, against a real OpenID Connect provider on localhost
(spec §9): the identity and lockout services run for real; only the person's browser is played
by the test (it follows the authorization URL and brings back code and state)."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from .conftest import NIR, PASSWORD, Journeys
from .oidc_provider import CLIENT_ID, POST_LOGOUT_URI, REDIRECT_URI, Misbehaviour, OidcProvider

TEST_TEST = {  # the pivot identity of the account registered with NIR 1 63 06 31 555 082
    "given_name": "Test Test",
    "family_name": "TEST",
    "birthdate": "1963-06-01",
    "gender": "male",
    "birthplace": "31555",  # Toulouse: digits 6 to 10 of the NIR
    "birthcountry": "99100",
}
PIVOT_CLAIMS = ["given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"]
MORVAN = {  # born in Oran: the provisional account of the seed
    "given_name": "Daniel",
    "family_name": "MORVAN",
    "birthdate": "1962-09-09",
    "gender": "male",
    "birthplace": "",
    "birthcountry": "99352",
}


def person(**claims: str) -> dict[str, str]:
    return {"sub": uuid.uuid4().hex + "v1", **claims}


@pytest.fixture
def provider(journeys: Journeys):
    running = OidcProvider(journeys.clock).start()
    yield running
    running.stop()


@pytest.fixture
def fc(journeys: Journeys, provider: OidcProvider) -> Journeys:
    return journeys.start(**provider.identity_config())


def franceconnect(fc: Journeys, provider: OidcProvider, **callback: str) -> dict:
    """The whole trip: start, the provider's pages, the callback."""
    started = fc.rpc.identity.franceconnect_start()
    code, state = provider.browse(started["authorization_url"])
    return fc.rpc.identity.franceconnect_callback(code, state, **callback)


def test_a_unique_match_links_the_account_and_logs_in_without_touching_lockout(fc, provider):
    account_id = fc.register_with_nir()["account_id"]
    fc.login(NIR, "Mauvais2024Mdp")  # one failure on the ladder, left as it is
    provider.person = person(**TEST_TEST)

    started = fc.rpc.identity.franceconnect_start()
    code, state = provider.browse(started["authorization_url"])
    result = fc.rpc.identity.franceconnect_callback(code, state, source={"ip": "203.0.113.7"})

    asked = provider.authorize_requests[0]
    assert asked["scope"].split() == ["openid", *PIVOT_CLAIMS]
    assert asked["acr_values"] == "eidas1" and asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == REDIRECT_URI and asked["response_type"] == "code"
    assert asked["state"] == state == started["state"] and len(state) >= 32
    assert len(asked["nonce"]) >= 32 and asked["nonce"] != state
    assert result["outcome"] == "ok" and result["linked_now"] is True
    session = fc.rpc.identity.verify_session(result["session"]["token"])
    assert session["account_id"] == account_id and session["auth_method"] == "franceconnect"
    assert fc.tap.wait("FranceConnectLinked") == [{"account_id": account_id}]
    assert [e["auth_method"] for e in fc.tap.wait("LoginSucceeded")] == ["franceconnect"]
    history = fc.rpc.identity.connection_history(result["session"]["token"])
    assert history[0]["method"] == "franceconnect" and history[0]["outcome"] == "ok"
    assert fc.rpc.lockout.status(NIR)["failures"] == 1


def test_an_existing_link_wins_and_only_a_pseudonym_of_sub_is_stored(fc, provider):
    provider.algorithm = "RS256"  # FranceConnect may sign with either
    account_id = fc.register_with_nir()["account_id"]
    provider.person = person(**TEST_TEST)
    assert franceconnect(fc, provider)["linked_now"] is True

    # Same sub, civil status now matching nobody: the link decides, not the civil status.
    provider.person = {**provider.person, "given_name": "Autre", "birthplace": "75056"}
    again = franceconnect(fc, provider)

    assert again["outcome"] == "ok" and again["linked_now"] is False
    assert fc.rpc.identity.verify_session(again["session"]["token"])["account_id"] == account_id
    assert len(fc.tap.wait("LoginSucceeded", 2)) == 2
    assert len(fc.tap.of_type("FranceConnectLinked")) == 1
    rows = fc.app.recorder.select_notifications(start=1, limit=100_000)
    stored = "\n".join(row.state.decode("utf-8", "replace") for row in rows)
    assert "FranceConnectLink" in "\n".join(row.topic for row in rows)
    for secret in (provider.person["sub"], provider.issued_id_tokens[0], "31555"):
        assert secret not in stored


def test_no_match_asks_for_one_password_login_which_links_a_provisional_account(fc, provider):
    identifier = fc.register_without_nir()["identifier"]
    provider.person = person(**MORVAN)  # born abroad: the typed "Oran" cannot be proven

    offered = franceconnect(fc, provider)
    assert offered["outcome"] == "link_required" and offered["session"] is None
    assert "connectez-vous une fois avec votre numéro de Sécurité sociale" in offered["message"]
    assert "créez votre compte" in offered["message"]

    wrong = fc.login(identifier, "Mauvais2024Mdp", franceconnect_link=offered["link_token"])
    assert wrong["franceconnect_link"]["outcome"] == "not_logged_in"
    linked = fc.login(identifier, PASSWORD, franceconnect_link=offered["link_token"])
    assert linked["outcome"] == "ok" and linked["franceconnect_link"]["outcome"] == "linked"
    replayed = fc.login(identifier, PASSWORD, franceconnect_link=offered["link_token"])
    assert replayed["franceconnect_link"]["outcome"] == "link_invalid"

    by_link = franceconnect(fc, provider)
    assert by_link["outcome"] == "ok" and by_link["linked_now"] is False
    assert fc.rpc.identity.verify_session(by_link["session"]["token"])["identifier_kind"] == (
        "provisional"
    )
    assert len(fc.tap.wait("FranceConnectLinked")) == 1


def test_nobody_matching_gets_no_session_and_a_link_token_for_someone_else_is_refused(fc, provider):
    fc.register_with_nir()
    provider.person = person(**{**TEST_TEST, "birthdate": "1970-01-01"})  # nobody

    offered = franceconnect(fc, provider)

    assert offered["outcome"] == "link_required" and offered["session"] is None
    assert len(offered["link_token"]) >= 32 and offered["link_expires_at"]
    other = fc.login(NIR, PASSWORD, franceconnect_link=offered["link_token"])
    assert other["outcome"] == "ok"  # the password login itself is unaffected
    assert other["franceconnect_link"]["outcome"] == "identity_mismatch"  # another birth date
    assert fc.tap.of_type("FranceConnectLinked") == []


def test_a_state_is_single_use_expires_and_must_be_ours(fc, provider):
    fc.register_with_nir()
    provider.person = person(**TEST_TEST)
    started = fc.rpc.identity.franceconnect_start()
    code, state = provider.browse(started["authorization_url"])
    assert fc.rpc.identity.franceconnect_callback(code, state)["outcome"] == "ok"

    replayed = fc.rpc.identity.franceconnect_callback(code, state)
    unknown = fc.rpc.identity.franceconnect_callback(code, "x" * 43)
    late = fc.rpc.identity.franceconnect_start()
    late_code, late_state = provider.browse(late["authorization_url"])
    fc.clock.advance(minutes=10, seconds=1)
    expired = fc.rpc.identity.franceconnect_callback(late_code, late_state)
    cancelled_start = fc.rpc.identity.franceconnect_start()
    cancelled = fc.rpc.identity.franceconnect_callback(
        state=cancelled_start["state"], error="access_denied"
    )

    assert (replayed["outcome"], replayed["reason"]) == ("state_invalid", "already_used")
    assert (unknown["outcome"], unknown["reason"]) == ("state_invalid", "unknown")
    assert (expired["outcome"], expired["reason"]) == ("state_invalid", "expired")
    assert cancelled["outcome"] == "cancelled"
    assert all(r["session"] is None for r in (replayed, unknown, expired, cancelled))
    assert "recommencez" in replayed["message"]


BROKEN = {  # what the provider gets wrong -> (outcome, reason)
    "wrong nonce": (Misbehaviour(nonce="n" * 43), ("id_token_invalid", "nonce")),
    "expired": (Misbehaviour(lifetime_s=-60), ("id_token_invalid", "expired")),
    "wrong signature": (Misbehaviour(foreign_key=True), ("id_token_invalid", "signature")),
    "wrong audience": (Misbehaviour(audience="un-autre-client"), ("id_token_invalid", "audience")),
    "wrong issuer": (
        Misbehaviour(issuer="https://faux-franceconnect.test"),
        ("id_token_invalid", "issuer"),
    ),
    "acr too low": (Misbehaviour(acr="eidas0"), ("id_token_invalid", "acr")),
    "userinfo forged": (Misbehaviour(userinfo_foreign_key=True), ("userinfo_invalid", "signature")),
}


def test_a_token_that_breaks_a_rule_is_refused_with_its_reason(fc, provider):
    # One service start for the whole table (the machine is small): each row is a full trip.
    fc.register_with_nir()
    provider.person = person(**TEST_TEST)
    answers = {}
    for name, (misbehaviour, _) in BROKEN.items():
        provider.misbehaviour = misbehaviour
        answers[name] = franceconnect(fc, provider)

    assert {name: (a["outcome"], a["reason"]) for name, a in answers.items()} == {
        name: expected for name, (_, expected) in BROKEN.items()
    }
    assert all(a["session"] is None and a["message"] for a in answers.values())
    provider.misbehaviour = Misbehaviour()
    assert franceconnect(fc, provider)["outcome"] == "ok"  # the same trip, done right, works
    assert len(fc.tap.wait("FranceConnectLinked")) == 1


def test_provider_down_is_an_outcome_not_a_crash(journeys, provider):
    provider.stop()
    fc = journeys.start(**provider.identity_config())
    assert fc.rpc.identity.franceconnect_start()["outcome"] == "provider_unavailable"

    provider.start()
    provider.person = person(**TEST_TEST)
    started = fc.rpc.identity.franceconnect_start()  # discovery now cached
    code, state = provider.browse(started["authorization_url"])
    provider.stop()
    result = fc.rpc.identity.franceconnect_callback(code, state)

    assert started["outcome"] == "redirect"
    assert (result["outcome"], result["reason"]) == ("provider_unavailable", "unreachable")
    assert "momentanément indisponible" in result["message"]


def test_logout_ends_the_session_here_and_gives_franceconnect_s_logout_url(fc, provider):
    fc.register_with_nir()
    provider.person = person(**TEST_TEST)
    token = franceconnect(fc, provider)["session"]["token"]

    out = fc.rpc.identity.franceconnect_logout(token)

    url = urlparse(out["logout_url"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert out["outcome"] == "logged_out"
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.issuer + "/session/end"
    assert query["id_token_hint"] == provider.issued_id_tokens[-1]
    assert query["post_logout_redirect_uri"] == POST_LOGOUT_URI
    assert query["state"] == out["state"] and len(out["state"]) >= 32
    assert fc.rpc.identity.verify_session(token)["reason"] == "revoked"
    assert fc.rpc.identity.franceconnect_logout(token)["logout_url"] is None  # once


def test_a_password_session_has_no_franceconnect_logout(fc):
    fc.register_with_nir()
    token = fc.session()
    claims = jwt.decode(token, KeySet.import_key_set(fc.rpc.identity.session_keys())).claims
    assert claims["auth_method"] == "password"
    assert fc.rpc.identity.franceconnect_logout(token) == {
        "outcome": "logged_out", "logout_url": None, "state": None,
    }  # fmt: skip
