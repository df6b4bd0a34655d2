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


def test_a_wrong_current_password_answers_as_the_login_does_captcha_then_freeze(identity):
    """Issue #29 item 2: attempts left, the captcha asked (flag and message), the time left."""
    identity.register_with_nir()
    token = identity.session()
    rpc = identity.rpc.identity
    wrong = "Mauvais2024Mdp"

    first = [rpc.change_password(token, wrong, NEW, NEW) for _ in range(3)]
    no_captcha = rpc.change_password(token, wrong, NEW, NEW)
    fourth = rpc.change_password(token, wrong, NEW, NEW, captcha=identity.captcha())
    fifth = rpc.change_password(token, wrong, NEW, NEW, captcha=identity.captcha())
    still = rpc.change_password(token, PASSWORD, NEW, NEW, captcha=identity.captcha())

    assert [(a["outcome"], a["attempts_left"]) for a in first] == [
        ("invalid_current_password", 4),
        ("invalid_current_password", 3),
        ("invalid_current_password", 2),
    ]
    assert first[0]["message"] == (
        "Le mot de passe actuel est incorrect. Veuillez vérifier vos informations saisies. "
        "Il vous reste 4 tentatives. Attention : au 5e échec, votre compte sera bloqué."
    )
    assert first[2]["captcha_required"] is True
    assert no_captcha["outcome"] == "captcha_required" and no_captcha["captcha_required"]
    assert no_captcha["message"] == (
        "Pour continuer, recopiez les caractères de l'image (vérification de sécurité)."
    )
    assert fourth["attempts_left"] == 1 and fourth["message"].endswith(
        "5e échec, votre compte sera bloqué."
    )
    assert fifth["outcome"] == "frozen" and fifth["retry_after_s"] == 600
    assert "pendant 10 minutes" in fifth["message"]
    assert still["outcome"] == "frozen" and "pendant 10 minutes" in still["message"]
    assert identity.login(NIR, PASSWORD, captcha=identity.captcha())["outcome"] == "frozen"


def test_a_wrong_captcha_on_the_password_change_is_said(identity):
    identity.register_with_nir()
    token = identity.session()
    rpc = identity.rpc.identity
    for _ in range(3):
        rpc.change_password(token, "Mauvais2024Mdp", NEW, NEW)
    bad = {"captcha_id": identity.rpc.lockout.new_captcha()["captcha_id"], "answer": "ZZZZZ"}

    answer = rpc.change_password(token, PASSWORD, NEW, NEW, captcha=bad)

    assert answer["outcome"] == "captcha_required"
    assert answer["captcha_invalid"] is True and answer["message"]
