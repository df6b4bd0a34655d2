"""The audio captcha (digits, French voices, single use) and captcha hardening (spec §16):
minimum length 5 and the tests' known answer, both refused outside development and test."""

from __future__ import annotations

import io
import wave
from base64 import b64decode
from pathlib import Path
from typing import Any

import pytest
from lockout.captcha_voices import generate
from lockout.service import LockoutService
from lockout.settings import LockoutSettings
from lockout_testing import Lockout

from shared.runtime.settings import SettingsError
from shared.testing import application_of


@pytest.fixture(scope="session")
def voices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French digit voices, made once with espeak-ng as `make run` makes them."""
    folder = tmp_path_factory.mktemp("captcha-voices")
    generate(folder)
    return folder


def settings(environment: str, **values: str) -> LockoutSettings:
    secrets = {"PSEUDONYM_KEY": "a" * 44, "PERSONAL_DATA_MASTER_KEY": "b" * 44}
    mapping = {"ENVIRONMENT": environment, **secrets, "NOTIFICATION_SEAL_PUBLIC_JWK": "{}"}
    return LockoutSettings.from_mapping({**mapping, **values}, "lockout")


def test_a_captcha_shorter_than_5_is_refused_at_start_up_outside_development_and_test() -> None:
    with pytest.raises(SettingsError, match="at least 5"):
        settings("production", LOCKOUT_CAPTCHA_LENGTH="4")
    with pytest.raises(SettingsError, match="at least 5"):
        settings("production", LOCKOUT_AUDIO_CAPTCHA_LENGTH="3")
    assert settings("test", LOCKOUT_CAPTCHA_LENGTH="3").captcha_length == 3
    assert settings("production").captcha_length == 5


def test_the_known_test_answer_is_refused_at_start_up_outside_development_and_test() -> None:
    with pytest.raises(SettingsError, match="refused outside"):
        settings("production", LOCKOUT_CAPTCHA_TEST_ANSWER="24682")
    with pytest.raises(SettingsError, match="digits 2 to 9"):
        settings("test", LOCKOUT_CAPTCHA_TEST_ANSWER="AB1")
    assert settings("development", LOCKOUT_CAPTCHA_TEST_ANSWER="24682").captcha_test_answer


def test_over_rpc_an_audio_challenge_is_spoken_digits_and_single_use(
    lockout: Lockout, rpc: Any, voices: Path
) -> None:
    container = lockout.start(LOCKOUT_CAPTCHA_VOICE_DIR=str(voices))
    application_of(container).audio_captcha_answers = lambda: "472913"

    issued = rpc.lockout.new_audio_captcha()

    assert set(issued) == {"captcha_id", "audio_wav_base64", "digits"}
    assert issued["digits"] == 6
    with wave.open(io.BytesIO(b64decode(issued["audio_wav_base64"]))) as sound:
        assert (sound.getnchannels(), sound.getframerate()) == (1, 8000)
        assert sound.getnframes() > 8000 * 2  # six spoken digits last more than two seconds
    assert rpc.lockout.check_captcha(issued["captcha_id"], "4 7 2 9 1 3") == {"valid": True}
    assert rpc.lockout.check_captcha(issued["captcha_id"], "472913") == {"valid": False}


def test_with_the_test_answer_every_image_and_audio_captcha_accepts_it(
    services: Any, rpc: Any, voices: Path
) -> None:
    services.start(
        LockoutService, LOCKOUT_CAPTCHA_VOICE_DIR=str(voices), LOCKOUT_CAPTCHA_TEST_ANSWER="24682"
    )

    image = rpc.lockout.new_captcha()["captcha_id"]
    audio = rpc.lockout.new_audio_captcha()["captcha_id"]

    assert rpc.lockout.check_captcha(image, "24682") == {"valid": True}
    assert rpc.lockout.check_captcha(audio, "24682") == {"valid": True}
    other = rpc.lockout.new_captcha()["captcha_id"]
    assert rpc.lockout.check_captcha(other, "99999") == {"valid": False}
