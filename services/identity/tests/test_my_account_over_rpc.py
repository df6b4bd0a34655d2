"""Gérer Mon Compte over real RPC: change password, summary, history."""

from __future__ import annotations

import pytest

from shared.runtime.rpc import InvalidInput

from .conftest import NIR, PASSWORD

NEW = "Nouveau2024Passe"


def test_changing_the_password_needs_the_current_one(identity):
    identity.register_with_nir()
    token = identity.session()
    rpc = identity.rpc.identity

    wrong = rpc.change_password(token, "Mauvais2024Mdp", NEW, NEW)
    done = rpc.change_password(token, PASSWORD, NEW, NEW)

    assert wrong["outcome"] == "invalid_current_password" and wrong["attempts_left"] == 4
    assert done["outcome"] == "changed" and done["message"] == "Nouveau mot de passe enregistré"
    [changed] = identity.tap.wait("PasswordChanged")
    assert changed["reason"] == "change"
    assert identity.login(NIR, NEW)["outcome"] == "ok"


def test_a_new_password_is_checked_before_anything_else(identity):
    identity.register_with_nir()
    token = identity.session()

    with pytest.raises(InvalidInput) as weak:
        identity.rpc.identity.change_password(token, PASSWORD, "court", "court")
    with pytest.raises(InvalidInput) as no_session:
        identity.rpc.identity.change_password("x.y.z", PASSWORD, NEW, NEW)

    assert weak.value.code == "password_policy"
    assert no_session.value.code == "session_invalid"


def test_the_summary_shows_the_previous_connection_and_the_history_every_attempt(identity):
    recap = identity.register_with_nir()
    identity.session()
    identity.clock.advance(days=1)
    identity.login(NIR, "Mauvais2024Mdp")
    token = identity.session()

    summary = identity.rpc.identity.account_summary(token)
    history = identity.rpc.identity.connection_history(token)

    assert summary["identifier_display"] == recap["identifier_display"]
    assert summary["last_login_at"] == "2024-03-05T09:30:00+00:00"
    assert summary["limited_access"] is False
    assert summary["civil_status"] == recap["civil_status"]
    assert [(h["at"][:10], h["outcome"]) for h in history] == [
        ("2024-03-06", "ok"),
        ("2024-03-06", "invalid_credentials"),
        ("2024-03-05", "ok"),
    ]
