"""Decoy channels: what "mot de passe oublié" shows when the NIR is unknown or the name wrong.

Showing no channel would tell anyone with a captcha that this NIR has no account (or that the
name is wrong). So a decoy flow shows one plausible masked channel, derived from a keyed
pseudonym of what was typed: the same input always shows the same channel (a random one would
change between tries and give the decoy away), and nobody without the key can predict it.
Nothing is ever sent to a decoy channel and no code can match.

>>> decoy_channels("0" * 64)[0]["channel"] in ("email", "sms")
True
"""

from __future__ import annotations

import hashlib
import string

# Initials of the mail domains people use most in France (gmail, orange, hotmail, yahoo, free,
# laposte, sfr, outlook, wanadoo) and their top-level domains.
_DOMAINS = ("g", "o", "h", "y", "f", "l", "s", "o", "w")
_TLDS = ("com", "fr", "fr", "com", "fr", "net", "fr", "com", "fr")


def decoy_channels(seed: str) -> list[dict[str, str]]:
    """One masked channel, deterministic in ``seed`` (a keyed pseudonym, 64 hex)."""
    digest = hashlib.sha256(seed.encode()).digest()
    letters = string.ascii_lowercase
    if digest[0] % 3:  # two people in three register with an e-mail address
        domain = digest[3] % len(_DOMAINS)
        masked = (
            f"{letters[digest[1] % 26]}****{letters[digest[2] % 26]}"
            f"@{_DOMAINS[domain]}***.{_TLDS[domain]}"
        )
        return [{"channel": "email", "masked": masked}]
    prefix = "06" if digest[4] % 4 else "07"
    return [{"channel": "sms", "masked": f"{prefix} ** ** ** {digest[5] % 100:02d}"}]
