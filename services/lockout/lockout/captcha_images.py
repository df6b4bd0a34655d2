"""Captcha adapter: random answers, PNG images (the ``captcha`` package), keyed answer digests.

Only the digest is stored: an HMAC under a key derived from ``PSEUDONYM_KEY`` and bound to the
captcha's id, so a copy of the store does not reveal answers and a digest cannot be replayed on
another captcha.

>>> artist = CaptchaArtist(CaptchaPolicy(), key=b"k" * 32)
>>> artist.digest(uuid.UUID(int=1), " abcde ") == artist.digest(uuid.UUID(int=1), "ABCDE")
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from captcha.image import ImageCaptcha

from .domain import CaptchaPolicy


class CaptchaArtist:
    """Draws challenges and digests answers; ``random_answer`` is the production generator."""

    def __init__(self, policy: CaptchaPolicy, key: bytes):
        self.policy = policy
        self._key = hmac.new(key, b"lockout captcha answers", hashlib.sha256).digest()
        self._images = ImageCaptcha(width=200, height=70)

    def random_answer(self) -> str:
        return "".join(secrets.choice(self.policy.alphabet) for _ in range(self.policy.length))

    def png_base64(self, answer: str) -> str:
        return base64.b64encode(self._images.generate(answer, format="png").getvalue()).decode()

    def digest(self, captcha_id: uuid.UUID, answer: str) -> str:
        """Case-insensitive, spaces ignored (what a person types: « 4 7 2 9 1 3 »)."""
        normalized = "".join(answer.split()).upper()
        message = f"{captcha_id}:{normalized}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
