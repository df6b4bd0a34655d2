"""The current password asked again while logged in (« Changer mon mot de passe », a change of
contact details): checked through the login's lockout ladder, so a stolen session cannot be used
to guess it. A wrong password counts like a failed login; the captcha and the freeze follow, and
the answers carry the login's own French messages.

This is the ONE place where a logged-in journey talks to lockout's ladder (reserve, verify,
settle): a change in how the ladder is settled is made here.

``current_password_check(hasher, account, "Bonjour2024Caf", lockout, None, request_id)`` ->
``CurrentPasswordCheck(passed=True, answer={"attempts_left": 5, "captcha_required": False, …})``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import messages
from ..domain import Account
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher

#: the outcome of a wrong current password (the login says ``invalid_credentials``)
WRONG = "invalid_current_password"


@dataclass(frozen=True)
class CurrentPasswordCheck:
    passed: bool
    #: the ladder's fields and, when refused, ``outcome`` and the French ``message``
    answer: dict[str, Any]


def current_password_check(
    hasher: PasswordHasher,
    account: Account,
    password: str,
    lockout: LockoutPort,
    captcha: dict[str, str] | None,
    request_id: str | None,
) -> CurrentPasswordCheck:
    """Reserve on the ladder (keyed by ``request_id``: a redelivery counts once), verify only if
    granted, settle. Refused: ``outcome`` is ``captcha_required``, ``frozen`` (with the time left)
    or ``invalid_current_password`` (with the attempts left, and ``frozen`` if it froze)."""
    reservation = lockout.reserve_attempt(
        account.identifier_key,
        captcha_id=(captcha or {}).get("captcha_id"),
        captcha_answer=(captcha or {}).get("answer"),
        request_id=request_id,
    )
    if reservation["decision"] != "check":
        outcome = "frozen" if reservation["decision"] == "frozen" else "captcha_required"
        return CurrentPasswordCheck(False, refusal(outcome, reservation))
    ok = hasher.verify(account.password_hash.value, password)
    state = lockout.report_attempt(reservation["reservation_id"], ok)
    if ok:
        return CurrentPasswordCheck(True, ladder_fields(state))
    return CurrentPasswordCheck(
        False, refusal("frozen" if state.get("frozen_until") else WRONG, state)
    )


def refusal(outcome: str, state: dict[str, Any]) -> dict[str, Any]:
    """The login's messages: captcha asked, frozen for how long, attempts left."""
    attempts_left = int(state.get("attempts_left") or 0)
    text = {
        "captcha_required": messages.CAPTCHA_INVALID
        if state.get("captcha_invalid")
        else messages.CAPTCHA_REQUIRED,
        "frozen": messages.frozen_message(state.get("retry_after_s")),
        WRONG: messages.wrong_current_password_message(attempts_left),
    }[outcome]
    fields = ladder_fields(state)
    if outcome == "captcha_required":
        fields["captcha_required"] = True
    if outcome != "frozen":
        fields["frozen_until"] = fields["retry_after_s"] = None
    return {"outcome": outcome, **fields, "message": text}


def ladder_fields(state: dict[str, Any]) -> dict[str, Any]:
    """The same keys whatever the outcome (the contract's shape)."""
    return {
        "attempts_left": state.get("attempts_left"),
        "captcha_required": bool(state.get("captcha_required")),
        "captcha_invalid": bool(state.get("captcha_invalid")),
        "frozen_until": state.get("frozen_until"),
        "retry_after_s": state.get("retry_after_s"),
    }
