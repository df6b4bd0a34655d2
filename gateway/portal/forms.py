"""Between HTML forms and the RPC contract: field errors, captcha answers, form values.

The French messages are the services' own (``InvalidInput.fields``); the portal only places them
next to their field and in the error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request, session

from connexion_client import InvalidInput
from gateway.clients import lockout

AUDIO_CAPTCHA = "audio_captcha_id"
T = TypeVar("T")


def field_errors(exc: InvalidInput, aliases: dict[str, str] | None = None) -> dict[str, list[str]]:
    """``{"html field id": ["message", …]}``: nested RPC fields become ``birth_place_commune``;
    ``aliases`` renames (``captcha`` → ``captcha_answer``); a message with no field goes under
    ``_form``."""
    flat: dict[str, list[str]] = {}
    _flatten(exc.fields or {}, "", flat)
    errors: dict[str, list[str]] = {}
    for name, messages in flat.items():
        target = (aliases or {}).get(name, name)
        if target.startswith("captcha_") and target != "captcha_answer":
            target = "captcha_answer"
        errors.setdefault(target, []).extend(messages)
    if not errors:
        errors["_form"] = [exc.message]
    return errors


def _flatten(messages: Any, prefix: str, into: dict[str, list[str]]) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            _flatten(value, f"{prefix}_{key}" if prefix else str(key), into)
    elif isinstance(messages, str):
        into.setdefault(prefix or "_form", []).append(messages)
    else:
        for value in messages:
            _flatten(value, prefix, into)


def new_captcha() -> dict[str, Any]:
    return dict(lockout.new_captcha())


def captcha_answer() -> dict[str, str] | None:
    """The audio answer if one was typed (its challenge is in the session), else the image's."""
    audio = request.form.get("audio_answer", "").strip()
    if audio and session.get(AUDIO_CAPTCHA):
        return {"captcha_id": session.pop(AUDIO_CAPTCHA), "answer": audio}
    captcha_id = request.form.get("captcha_id", "").strip()
    answer = request.form.get("captcha_answer", "").strip()
    if captcha_id and answer:
        return {"captcha_id": captcha_id, "answer": answer}
    return None


def ladder_errors(answer: dict[str, Any]) -> dict[str, list[str]]:
    """A captcha asked again because the last one was wrong: said next to its field, in
    identity's one wording (the login's ladder, and every page that asks a password again
    through it)."""
    if answer.get("outcome") == "captcha_required" and answer.get("captcha_invalid"):
        return {"captcha_answer": [answer["message"]]}
    return {}


def value(name: str) -> str:
    return request.form.get(name, "").strip()


def submitted(
    call: Callable[[], T], aliases: dict[str, str] | None = None
) -> tuple[T | None, dict[str, list[str]]]:
    """On a POST, ``(the service's answer, {})`` or ``(None, its field errors)``; on a GET,
    ``(None, {})``: the page shows its form."""
    if request.method != "POST":
        return None, {}
    try:
        return call(), {}
    except InvalidInput as exc:
        return None, field_errors(exc, aliases)
