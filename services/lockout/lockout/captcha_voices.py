"""French voice files of the audio captcha, made at set-up with Debian's espeak-ng.

``python -m lockout.captcha_voices var/captcha-voices`` writes ``<dir>/<digit>/<voice>.wav`` for
the digits 0-9 in a few French voices and speeds, in the format the ``captcha`` package's
``AudioCaptcha`` reads (8 kHz, 8-bit unsigned, mono). Digits only: letters are confusable by ear
(spec §15). Run by ``make run``, ``make test`` and the container build; nothing is committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import warnings
import wave
from pathlib import Path

with warnings.catch_warnings():  # deprecated in 3.11, present until 3.13: enough for 8-bit WAV
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

#: espeak-ng voice variants and speeds (words per minute): a little variety for each digit.
VOICES = (("fr", 140), ("fr+f3", 150), ("fr+m3", 130))
DIGITS = "0123456789"
FRENCH = {
    "0": "zéro", "1": "un", "2": "deux", "3": "trois", "4": "quatre",
    "5": "cinq", "6": "six", "7": "sept", "8": "huit", "9": "neuf",
}  # fmt: skip


def generate(target: Path, espeak: str = "espeak-ng") -> None:
    """Writes every digit in every voice; idempotent (a complete set is left alone)."""
    if is_complete(target):
        return
    if shutil.which(espeak) is None:
        raise SystemExit(
            f"{espeak} is required to make the audio captcha's voices (apt: espeak-ng)"
        )
    with tempfile.TemporaryDirectory() as scratch:
        for digit in DIGITS:
            (target / digit).mkdir(parents=True, exist_ok=True)
            for index, (voice, speed) in enumerate(VOICES):
                raw = Path(scratch) / f"{digit}-{index}.wav"
                subprocess.run(  # noqa: S603 - fixed arguments, no shell
                    [espeak, "-v", voice, "-s", str(speed), "-w", str(raw), FRENCH[digit]],
                    check=True,
                    capture_output=True,
                )
                _to_captcha_format(raw, target / digit / f"{index}.wav")


def is_complete(target: Path) -> bool:
    return all(len(list((target / d).glob("*.wav"))) >= len(VOICES) for d in DIGITS)


def _to_captcha_format(source: Path, destination: Path) -> None:
    with wave.open(str(source)) as reader:
        frames = reader.readframes(reader.getnframes())
        width, channels, rate = reader.getsampwidth(), reader.getnchannels(), reader.getframerate()
    if channels > 1:
        frames = audioop.tomono(frames, width, 0.5, 0.5)
    frames, _ = audioop.ratecv(frames, width, 1, rate, 8000, None)
    frames = audioop.bias(audioop.lin2lin(frames, width, 1), 1, 128)  # 8-bit WAV is unsigned
    with wave.open(str(destination), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(8000)
        writer.writeframes(frames)


if __name__ == "__main__":
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "var/captcha-voices"))
