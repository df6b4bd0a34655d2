"""The shape of lockout answers over RPC (contracts.md): one place builds them all."""

from __future__ import annotations

from typing import Any

from .domain import LadderView


def state_fields(view: LadderView) -> dict[str, Any]:
    """The state fields shared by reserve_attempt, report_attempt and status. ``failures``
    counts the checks in flight as failures (until their login event settles them, issue
    #28): an identifier with no account, whose checks only the timeout settles, reads the same
    as an account whose events settled them."""
    return {
        "failures": view.failures + view.in_flight,
        "attempts_left": view.attempts_left,
        "captcha_required": view.captcha_required,
        "frozen_until": view.frozen_until.isoformat() if view.frozen_until else None,
        "retry_after_s": view.retry_after_s,
    }


def reservation_answer(
    decision: str,
    view: LadderView,
    reservation_id: str | None,
    captcha_invalid: bool,
    after_success: LadderView | None = None,
    granted_before: bool = False,
    freeze_recorded: bool = False,
    settles_within_s: float | None = None,
) -> dict[str, Any]:
    """The state fields count the reserved check as a failure (what the ladder says if it
    fails); ``on_success``: the state fields once it succeeded (None without a check);
    ``granted_before``: this request's check was granted to an earlier delivery of it;
    ``freeze_recorded``: the freeze answered is one the ladder recorded (only ``AccountUnfrozen``
    or its end lifts it), not one projected from checks in flight (one of them may still succeed
    and lift it silently): identity may keep the former (its freeze cache), never the latter;
    ``settles_within_s`` (with ``granted_before``): how long the earlier delivery's check may
    still wait for its login's outcome before it counts as a failure (0: settled already)."""
    return {
        "decision": decision,
        "reservation_id": reservation_id,
        "granted_before": granted_before,
        **state_fields(view),
        "captcha_invalid": captcha_invalid,
        "freeze_recorded": freeze_recorded,
        "settles_within_s": settles_within_s,
        "on_success": state_fields(after_success) if after_success is not None else None,
    }


def status_answer(view: LadderView) -> dict[str, Any]:
    return {"state": view.state, **state_fields(view)}
