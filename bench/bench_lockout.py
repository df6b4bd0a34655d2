"""The real lockout service whose captchas all have one known answer, so the bench can walk an
identifier up the ladder (captcha from the 3rd failure, freeze from the 5th) over RPC.

Run with ``python -m shared.runtime.runner bench.bench_lockout:BenchLockoutService``.
"""

from __future__ import annotations

from lockout.application import LockoutApplication
from lockout.service import LockoutService
from lockout.settings import LockoutSettings

from shared.runtime.dependencies import ApplicationDependency

CAPTCHA_ANSWER = "K7PZQ"


class KnownCaptchaDependency(ApplicationDependency):
    def setup(self) -> None:
        super().setup()
        assert isinstance(self.application, LockoutApplication)
        self.application.captcha_answers = lambda: CAPTCHA_ANSWER


class BenchLockoutService(LockoutService):
    app = KnownCaptchaDependency(LockoutApplication, LockoutSettings)
