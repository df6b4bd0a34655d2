"""The shape of lockout answers over RPC (contracts.md): one place builds them all."""

from __future__ import annotations

from typing import Any

from .domain import LadderView


def state_fields(view: LadderView) -> dict[str, Any]:
    """The state fields shared by reserve_attempt, report_attempt and status."""
    return {
        "failures": view.failures,
        "attempts_left": view.attempts_left,
        "captcha_required": view.captcha_required,
        "frozen_until": view.frozen_until.isoformat() if view.frozen_until else None,
        "retry_after_s": view.retry_after_s,
    }


def reservation_answer(
    decision: str, view: LadderView, reservation_id: str | None, captcha_invalid: bool
) -> dict[str, Any]:
    return {
        "decision": decision,
        "reservation_id": reservation_id,
        **state_fields(view),
        "captcha_invalid": captcha_invalid,
    }


def status_answer(view: LadderView) -> dict[str, Any]:
    return {"state": view.state, **state_fields(view)}
