"""The audio challenge (spec §15, RGAA 1.4): digits only, a new single-use challenge per listen.

The challenge's id stays in the person's session; the form sends only the digits typed.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, Response, session

from gateway.clients import lockout

from ..forms import AUDIO_CAPTCHA

blueprint = Blueprint("captcha", __name__)


@blueprint.route("/verification-audio.wav")
def audio() -> Any:
    challenge = lockout.new_audio_captcha()
    session[AUDIO_CAPTCHA] = challenge["captcha_id"]
    response = Response(base64.b64decode(challenge["audio_wav_base64"]), mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response
