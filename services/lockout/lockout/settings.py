"""The lockout service's settings: the platform's, plus the ladder, captcha and throttle rules.

Every rule is configuration (spec §6): ``LOCKOUT_FREEZE_DURATIONS_S=600,1200,3600,86400``.

>>> LockoutSettings.from_mapping({"ENVIRONMENT": "development"}, "lockout").ladder_policy()
...     # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from shared.runtime.settings import ServiceSettings, SettingsError, parse_floats, setting

from .domain import CaptchaPolicy, LadderPolicy, SourcePolicy

#: The only environments where a captcha may be short or have a known answer (spec §16).
CAPTCHA_TEST_ENVIRONMENTS = ("development", "test")


@dataclasses.dataclass(frozen=True, repr=False)  # keep ServiceSettings.__repr__: it hides secrets
class LockoutSettings(ServiceSettings):
    attempts_before_freeze: int = setting(
        "LOCKOUT_ATTEMPTS_BEFORE_FREEZE",
        5,
        parse=int,
        doc="consecutive failures that freeze an identifier (5: the 5th failure freezes)",
    )
    captcha_after_failures: int = setting(
        "LOCKOUT_CAPTCHA_AFTER_FAILURES",
        3,
        parse=int,
        doc="from this many failures on, every attempt must carry a valid captcha",
    )
    freeze_durations_s: tuple[float, ...] = setting(
        "LOCKOUT_FREEZE_DURATIONS_S",
        (600.0, 1200.0, 3600.0, 86400.0),
        parse=parse_floats,
        doc="freeze of the 5th, 6th, 7th failure…; the last one repeats",
    )
    reservation_timeout_s: float = setting(
        "LOCKOUT_RESERVATION_TIMEOUT_S",
        30.0,
        parse=float,
        doc="a reserved password check never reported counts as a failure after this",
    )
    idle_forget_days: float = setting(
        "LOCKOUT_IDLE_FORGET_DAYS",
        30.0,
        parse=float,
        doc="a ladder with no failure (nor freeze) for this long starts afresh",
    )
    captcha_ttl_s: float = setting(
        "LOCKOUT_CAPTCHA_TTL_S", 300.0, parse=float, doc="how long a captcha may be answered"
    )
    captcha_length: int = setting(
        "LOCKOUT_CAPTCHA_LENGTH",
        5,
        parse=int,
        doc="characters in a captcha image (at least 5 outside development and test)",
    )
    audio_captcha_length: int = setting(
        "LOCKOUT_AUDIO_CAPTCHA_LENGTH",
        6,
        parse=int,
        doc="digits in an audio captcha (at least 5 outside development and test)",
    )
    captcha_voice_dir: Path | None = setting(
        "LOCKOUT_CAPTCHA_VOICE_DIR",
        None,
        parse=Path,
        doc="French digit voices of the audio captcha (default DATA_DIR/captcha-voices; made by"
        " python -m lockout.captcha_voices)",
    )
    captcha_test_answer: str | None = setting(
        "LOCKOUT_CAPTCHA_TEST_ANSWER",
        None,
        doc="development and test only (refused elsewhere): every captcha, image and audio, has"
        " this answer (digits 2-9), so automated tests can pass it",
    )
    source_max_identifiers: int = setting(
        "LOCKOUT_SOURCE_MAX_IDENTIFIERS",
        20,
        parse=int,
        doc="distinct identifiers a source may fail against within the window before throttling",
    )
    source_partner_max_identifiers: int = setting(
        "LOCKOUT_SOURCE_PARTNER_MAX_IDENTIFIERS",
        200,
        parse=int,
        doc="the same limit for a source in a partner's address range (identity's "
        "PARTNER_SOURCE_RANGES: France Services desks, …)",
    )
    source_window_s: float = setting(
        "LOCKOUT_SOURCE_WINDOW_S", 600.0, parse=float, doc="credential-stuffing window"
    )
    source_throttle_s: float = setting(
        "LOCKOUT_SOURCE_THROTTLE_S",
        900.0,
        parse=float,
        doc="how long a throttled source must solve a captcha for every attempt",
    )

    def _check_environment(self) -> None:
        super()._check_environment()
        relaxed = self.environment in CAPTCHA_TEST_ENVIRONMENTS
        if not relaxed and min(self.captcha_length, self.audio_captcha_length) < 5:
            raise SettingsError(
                "LOCKOUT_CAPTCHA_LENGTH and LOCKOUT_AUDIO_CAPTCHA_LENGTH: at least 5 outside"
                " ENVIRONMENT development or test"
            )
        if self.captcha_test_answer is None:
            return
        if not relaxed:
            raise SettingsError(
                "LOCKOUT_CAPTCHA_TEST_ANSWER: refused outside ENVIRONMENT development or test"
                " (a staging copy of real data must not have a known captcha)"
            )
        if not self.captcha_test_answer or set(self.captcha_test_answer) - set("23456789"):
            raise SettingsError("LOCKOUT_CAPTCHA_TEST_ANSWER: digits 2 to 9 only")

    @property
    def voice_dir(self) -> Path:
        return self.captcha_voice_dir or self.data_dir / "captcha-voices"

    def ladder_policy(self) -> LadderPolicy:
        return LadderPolicy(
            attempts_before_freeze=self.attempts_before_freeze,
            captcha_after_failures=self.captcha_after_failures,
            freeze_durations_s=tuple(self.freeze_durations_s),
            reservation_timeout_s=self.reservation_timeout_s,
            idle_forget_days=self.idle_forget_days,
        )

    def source_policy(self) -> SourcePolicy:
        return SourcePolicy(
            max_identifiers=self.source_max_identifiers,
            window_s=self.source_window_s,
            throttle_s=self.source_throttle_s,
            partner_max_identifiers=self.source_partner_max_identifiers,
        )

    def captcha_policy(self) -> CaptchaPolicy:
        return CaptchaPolicy(length=self.captcha_length, ttl_s=self.captcha_ttl_s)
