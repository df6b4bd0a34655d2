"""Session tokens: ES256 JWT with a kid, short expiry, published verification keys."""

from __future__ import annotations

import uuid
from datetime import timedelta

from identity.sessions import SessionTokens
from joserfc.jwk import ECKey

from .given import NOW

ACCOUNT = uuid.uuid4()


def new_key() -> dict:
    return ECKey.generate_key("P-256", private=True).as_dict(private=True)


def issue(tokens: SessionTokens):
    return tokens.issue(account_id=ACCOUNT, identifier_kind="nir", auth_method="password", now=NOW)


def test_a_token_carries_the_account_its_kind_and_method_until_it_expires():
    tokens = SessionTokens(new_key(), lifetime=timedelta(minutes=15))
    issued = issue(tokens)

    claims = tokens.read(issued.token, NOW + timedelta(minutes=14))

    assert claims is not None
    assert (claims.account_id, claims.identifier_kind, claims.auth_method) == (
        ACCOUNT,
        "nir",
        "password",
    )
    assert claims.session_id == issued.session_id
    assert tokens.read(issued.token, NOW + timedelta(minutes=15, seconds=1)) is None


def test_a_token_signed_by_another_key_or_altered_is_refused():
    tokens = SessionTokens(new_key())
    foreign = issue(SessionTokens(new_key())).token
    genuine = issue(tokens).token
    header, payload, signature = genuine.split(".")

    assert tokens.read(foreign, NOW) is None
    assert tokens.read(f"{header}.{payload}x.{signature}", NOW) is None
    assert tokens.read("not a token", NOW) is None


def test_the_published_key_set_has_the_kid_and_no_private_part():
    tokens = SessionTokens(new_key())

    [key] = tokens.jwks()["keys"]

    assert key["kid"] == tokens.kid and key["alg"] == "ES256"
    assert "d" not in key


def test_tokens_of_a_retired_key_still_verify_during_a_rotation():
    old_key = new_key()
    old_token = issue(SessionTokens(old_key)).token
    public_old = {k: v for k, v in old_key.items() if k != "d"}

    rotated = SessionTokens(new_key(), previous_public_jwks=(public_old,))

    assert rotated.read(old_token, NOW) is not None
    assert len(rotated.jwks()["keys"]) == 2
