"""French templates: every kind renders on its channels, with only what the message needs."""

from __future__ import annotations

from typing import Any

import pytest
from notification.branding import DEMONSTRATION_NOTICE, Branding
from notification.contacts import Recipient
from notification.messages import MessageComposer, french_duration

# The GSM 03.38 basic alphabet: outside it an SMS costs 2-3 times as much (UCS-2, 70 chars).
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
CHANNELS_OF = {
    "verification_code": ("email", "sms", "letter"),
    "provisional_identifier": ("email", "sms", "letter"),
    "freeze_alert": ("email", "sms"),
    "password_changed": ("email", "sms", "letter"),
    "nir_assigned": ("email", "sms", "letter"),
    "delegation_granted": ("email", "sms", "letter"),
    "delegation_revoked": ("email", "sms", "letter"),
}
DETAILS: dict[str, dict[str, Any]] = {
    "verification_code": {
        "code": "483920",
        "purpose": "password_reset",
        "expires_at": "2026-11-27T09:15:00+00:00",
    },
    "provisional_identifier": {"identifier": "P33392250", "reason": "registration"},
    "freeze_alert": {"frozen_until": "2026-11-27T09:10:00+00:00", "duration_s": 86400},
    "password_changed": {},
    "nir_assigned": {},
    "delegation_granted": {},
    "delegation_revoked": {},
}
CASES = [(kind, channel) for kind, channels in CHANNELS_OF.items() for channel in channels]
composer = MessageComposer()


def render(
    kind: str, channel: str, name: str | None = "Florence DUCHAIS", civility: str | None = "Mme"
):
    return composer.compose(kind, Recipient(channel, "address", name, civility), DETAILS[kind])


@pytest.mark.parametrize(("kind", "channel"), CASES)
def test_every_message_renders_in_french_with_a_subject_where_the_channel_has_one(
    kind, channel
) -> None:
    message = render(kind, channel)
    assert message.body.strip()
    assert bool(message.subject) == (channel != "sms")
    assert "démonstration" in message.body  # outside production, by default


@pytest.mark.parametrize(("kind", "channel"), [c for c in CASES if c[1] == "sms"])
def test_an_sms_fits_one_gsm7_segment_and_names_nobody(kind, channel) -> None:
    body = render(kind, channel).body.strip()
    assert len(body) <= 160, body
    assert set(body) <= GSM7, set(body) - GSM7
    assert "DUCHAIS" not in body


def test_a_code_message_gives_the_code_its_expiry_in_paris_time_and_the_seed_warning() -> None:
    body = render("verification_code", "email").body
    assert "483920" in body
    assert "27/11/2026 à 10h15" in body  # 09:15 UTC is 10:15 in Paris in November
    assert "ce code de vérification est à usage unique" in body
    assert "pas même à votre Caf" in body
    assert "pour choisir votre nouveau mot de passe" in body


def test_the_provisional_identifier_message_says_to_keep_it() -> None:
    body = render("provisional_identifier", "email").body
    assert "P33392250" in body and "Conservez bien cet identifiant" in body
    assert "Bonjour Florence DUCHAIS," in body


def test_letters_greet_by_civility_after_the_demonstration_notice() -> None:
    first, _, rest = render("password_changed", "letter").body.partition("\n\n")
    assert first == DEMONSTRATION_NOTICE and rest.startswith("Madame,")
    agency = MessageComposer(branding=Branding(demonstration=False))  # production
    letter = Recipient("letter", "address", "Florence DUCHAIS", None)
    assert agency.compose("password_changed", letter, {}).body.startswith("Madame, Monsieur,")
    mail = Recipient("email", "address", None, None)
    assert agency.compose("password_changed", mail, {}).body.startswith("Bonjour,")


def test_a_freeze_alert_says_how_long_and_how_to_unfreeze() -> None:
    body = render("freeze_alert", "email").body
    assert "gelé pendant 24 heures" in body and "« Mot de passe oublié ? »" in body


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (600, "10 minutes"),
        (1200, "20 minutes"),
        (3600, "1 heure"),
        (86400, "24 heures"),
        (61, "2 minutes"),
    ],
)
def test_durations_read_in_french(seconds, text) -> None:
    assert french_duration(seconds) == text
