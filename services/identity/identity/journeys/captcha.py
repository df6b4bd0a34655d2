"""The captcha some journeys start with (registration without a NIR, password reset, identifier
recovery): lockout checks it, single use, consumed right or wrong."""

from __future__ import annotations

from shared.runtime.rpc import InvalidInput

from .. import messages
from ..lockout_port import LockoutPort


def require_captcha(captcha: dict[str, str] | None, lockout: LockoutPort) -> None:
    """InvalidInput ``captcha_invalid`` unless lockout says the answer is right."""
    valid = bool(captcha) and lockout.check_captcha(
        captcha["captcha_id"],  # type: ignore[index]
        captcha["answer"],  # type: ignore[index]
    ).get("valid")
    if not valid:
        raise InvalidInput(code="captcha_invalid", fields={"captcha": [messages.CAPTCHA_INVALID]})
