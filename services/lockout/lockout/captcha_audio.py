"""Audio challenges: digits only, spoken by French voices made at set-up (captcha_voices.py),
mixed with noise by the ``captcha`` package's ``AudioCaptcha``; WAV, 8 kHz.

>>> speaker = CaptchaSpeaker(Path("var/captcha-voices"), length=6)   # doctest: +SKIP
>>> speaker.wav_base64(speaker.random_answer())[:8]                  # doctest: +SKIP
'UklGRi…'
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from captcha.audio import AudioCaptcha

from .captcha_voices import DIGITS, is_complete


class VoicesMissing(RuntimeError):
    """The voice files were not made: ``python -m lockout.captcha_voices <dir>``."""


class CaptchaSpeaker:
    def __init__(self, voice_dir: Path, length: int):
        self.voice_dir = voice_dir
        self.length = length
        self._audio: AudioCaptcha | None = None

    def random_answer(self) -> str:
        return "".join(secrets.choice(DIGITS) for _ in range(self.length))

    def wav_base64(self, answer: str) -> str:
        return base64.b64encode(bytes(self._captcha().generate(answer))).decode()

    def _captcha(self) -> AudioCaptcha:
        # Loaded at the first audio challenge: a lockout without voices still serves images.
        if self._audio is None:
            if not is_complete(self.voice_dir):
                raise VoicesMissing(
                    f"no captcha voices in {self.voice_dir}: run python -m lockout.captcha_voices"
                )
            self._audio = AudioCaptcha(voicedir=str(self.voice_dir))
        return self._audio
