"""The lockout domain: pure aggregates and policies (no I/O, no clock, no randomness)."""

from .captcha import CaptchaChallenge
from .ladder import CountedFailure, FailedLoginLadder, LadderView, fresh_view, plain_source
from .policy import CaptchaPolicy, LadderPolicy, SourcePolicy
from .source import SourceActivity

__all__ = [
    "CaptchaChallenge",
    "CaptchaPolicy",
    "CountedFailure",
    "FailedLoginLadder",
    "LadderPolicy",
    "LadderView",
    "SourceActivity",
    "SourcePolicy",
    "fresh_view",
    "plain_source",
]
