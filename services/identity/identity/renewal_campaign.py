"""The forced password-renewal campaign (spec §4; seed: "Protégez-vous, modifiez votre mot de
passe").

Between ``encourage_from`` and ``enforce_from`` a successful login of an account whose password
was last changed before ``changed_before`` carries ``password_change_recommended``; from
``enforce_from`` such an account must go through "mot de passe oublié". The dates are the seed's
(midnight, Paris time), configurable.

Decision: the recommendation is shown only to accounts the enforcement would catch (password
changed before ``changed_before``): nagging someone who just changed it would teach people to
ignore the banner.

>>> RenewalCampaign().decision(changed_at=CHANGED_BEFORE - timedelta(days=1), now=ENFORCE_FROM)
'reset_required'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta  # noqa: F401 (doctest)
from typing import Literal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

Decision = Literal["none", "recommended", "reset_required"]


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(UTC)


# The seed's dates: incited from 22.02.24, redirected from 08.03.24 if changed before 15.02.24.
ENCOURAGE_FROM = paris_midnight(date(2024, 2, 22))
ENFORCE_FROM = paris_midnight(date(2024, 3, 8))
CHANGED_BEFORE = paris_midnight(date(2024, 2, 15))


@dataclass(frozen=True)
class RenewalCampaign:
    encourage_from: datetime = ENCOURAGE_FROM
    enforce_from: datetime = ENFORCE_FROM
    changed_before: datetime = CHANGED_BEFORE
    enabled: bool = True

    def decision(self, *, changed_at: datetime, now: datetime) -> Decision:
        if not self.enabled or changed_at >= self.changed_before or now < self.encourage_from:
            return "none"
        return "reset_required" if now >= self.enforce_from else "recommended"
