"""lockout's RPC methods as the gateway calls them (docs/api/lockout.md; the contract:
services/lockout/lockout/service.py): the captcha challenges."""

from __future__ import annotations

from typing import Any

from .base import ServiceClient


class LockoutClient(ServiceClient):
    service = "lockout"

    def new_captcha(self) -> dict[str, Any]:
        """``{captcha_id, image_png_base64}``: a single-use image challenge."""
        return self._rpc("new_captcha")

    def new_audio_captcha(self) -> dict[str, Any]:
        """``{captcha_id, audio_wav_base64}``: the digits spoken in French."""
        return self._rpc("new_audio_captcha")
