"""The journeys before login: password check, login, captcha, registration, password reset,
identifier recovery. Each operation is one RPC of identity or lockout, with the same outcomes
(spec §14); ``docs/http-api.md`` gives an example of each."""

from __future__ import annotations

from typing import Any

from . import schemas
from .operations import Call, operation
from .source import login_source

JOURNEYS = "Parcours"
REGISTRATION = "Créer Mon Compte"
RESET = "Mot de passe oublié"
RECOVERY = "Identifiant provisoire oublié"


def _compact(value: Any) -> Any:
    """Without the fields left empty, as the portal's forms send them."""
    if isinstance(value, dict):
        return {key: _compact(item) for key, item in value.items() if item is not None}
    return value


@operation(
    "POST",
    "/passwords/check",
    tag=JOURNEYS,
    body=schemas.PasswordCheck,
    answer=schemas.PasswordCheckAnswer,
    summary="Vérifier un mot de passe",
)
def check_password(call: Call) -> Any:
    """The per-rule checklist of the password policy (the portal's bubbles)."""
    return call.rpc("identity", "check_password", call.body["password"])


@operation(
    "POST",
    "/login",
    tag=JOURNEYS,
    body=schemas.Login,
    answer=schemas.LoginAnswer,
    summary="Se connecter",
)
def login(call: Call) -> Any:
    """Outcomes are answers (200), never errors: ``ok`` with a session, ``invalid_credentials``,
    ``captcha_required``, ``frozen``, ``password_reset_required``."""
    body = call.body
    return call.rpc(
        "identity",
        "login",
        body["identifier"],
        body["password"],
        captcha=body["captcha"],
        source=login_source(body["source"], call.client),
    )


@operation(
    "POST",
    "/captchas",
    tag=JOURNEYS,
    answer=schemas.CaptchaAnswer,
    status=201,
    summary="Nouveau captcha (image)",
)
def new_captcha(call: Call) -> Any:
    """A single-use image challenge; send back ``{captcha_id, answer}``."""
    challenge = call.rpc("lockout", "new_captcha")
    return {key: challenge[key] for key in ("captcha_id", "image_png_base64")}


@operation(
    "POST",
    "/captchas/audio",
    tag=JOURNEYS,
    answer=schemas.AudioCaptchaAnswer,
    status=201,
    summary="Nouveau captcha (audio, chiffres)",
)
def new_audio_captcha(call: Call) -> Any:
    """A single-use challenge of digits spoken in French (WAV), the alternative to the image:
    send back ``{captcha_id, answer}`` with the digits heard."""
    challenge = call.rpc("lockout", "new_audio_captcha")
    return {key: challenge[key] for key in ("captcha_id", "audio_wav_base64")}  # never the digits


@operation(
    "POST",
    "/registrations",
    tag=REGISTRATION,
    body=schemas.Registration,
    status=201,
    answer=schemas.Answer,
    summary="Étape 1 : état civil",
)
def start_registration(call: Call) -> Any:
    """``{registration_id, steps}``; a captcha always (SPEC §16), and without a NIR the
    parents."""
    return call.rpc("identity", "start_registration", _compact(call.body))


@operation(
    "POST",
    "/registrations/{registration_id}/code",
    tag=REGISTRATION,
    body=schemas.RegistrationCode,
    answer=schemas.Answer,
    summary="Étape 2 : coordonnées de contact, envoi du code",
)
def send_registration_code(call: Call) -> Any:
    """A 6-digit code goes to the mobile phone or mail typed twice: ``{sent_to}``."""
    body = call.body
    return call.rpc(
        "identity",
        "send_registration_code",
        call.path["registration_id"],
        body["channel"],
        body["address"],
        body["confirmation"],
    )


@operation(
    "POST",
    "/registrations/{registration_id}/code/verification",
    tag=REGISTRATION,
    body=schemas.Code,
    answer=schemas.Answer,
    summary="Étape 2 : saisie du code",
)
def verify_registration_code(call: Call) -> Any:
    """``{verified, attempts_left}``."""
    return call.rpc(
        "identity", "verify_registration_code", call.path["registration_id"], call.body["code"]
    )


@operation(
    "POST",
    "/registrations/{registration_id}/completion",
    tag=REGISTRATION,
    body=schemas.NewPassword,
    answer=schemas.Answer,
    summary="Étape 3 : mot de passe, récapitulatif",
)
def complete_registration(call: Call) -> Any:
    """The récapitulatif: ``{account_id, identifier, identifier_display, …}``."""
    body = call.body
    return call.rpc(
        "identity",
        "complete_registration",
        call.path["registration_id"],
        body["password"],
        body["confirmation"],
    )


@operation(
    "POST",
    "/registrations/{registration_id}/abandonment",
    tag=REGISTRATION,
    answer=schemas.Answer,
    summary="Quitter : la création de compte prend fin",
)
def abandon_registration(call: Call) -> Any:
    """« Quitter »: identity ends the registration and shreds its form at once:
    ``{outcome: "abandoned", registration_id, step}``; asked again, the same answer."""
    return call.rpc("identity", "abandon_registration", call.path["registration_id"])


@operation(
    "POST",
    "/password-resets",
    tag=RESET,
    body=schemas.StartPasswordReset,
    status=201,
    answer=schemas.Answer,
    summary="NIR, nom de naissance et captcha",
)
def start_password_reset(call: Call) -> Any:
    """``{reset_id, channels: [{channel, masked}]}``; the same answer for an unknown NIR."""
    body = call.body
    return call.rpc(
        "identity", "start_password_reset", body["nir"], body["birth_name"], body["captcha"]
    )


@operation(
    "POST",
    "/password-resets/{reset_id}/code",
    tag=RESET,
    body=schemas.Channel,
    answer=schemas.Answer,
    summary="Envoi du code par le canal choisi",
)
def send_password_reset_code(call: Call) -> Any:
    """``{sent_to}``, masked."""
    return call.rpc(
        "identity", "send_password_reset_code", call.path["reset_id"], call.body["channel"]
    )


@operation(
    "POST",
    "/password-resets/{reset_id}/code/verification",
    tag=RESET,
    body=schemas.Code,
    answer=schemas.Answer,
    summary="Saisie du code",
)
def verify_password_reset_code(call: Call) -> Any:
    """``{verified, attempts_left}``."""
    return call.rpc(
        "identity", "verify_password_reset_code", call.path["reset_id"], call.body["code"]
    )


@operation(
    "POST",
    "/password-resets/{reset_id}/completion",
    tag=RESET,
    body=schemas.NewPassword,
    answer=schemas.Answer,
    summary="Nouveau mot de passe",
)
def complete_password_reset(call: Call) -> Any:
    """``{outcome: "password_changed", message: "Nouveau mot de passe enregistré"}``."""
    body = call.body
    return call.rpc(
        "identity",
        "complete_password_reset",
        call.path["reset_id"],
        body["password"],
        body["confirmation"],
    )


@operation(
    "POST",
    "/identifier-recoveries",
    tag=RECOVERY,
    status=201,
    body=schemas.StartIdentifierRecovery,
    answer=schemas.Answer,
    summary="Nom, prénoms, date de naissance et captcha",
)
def start_identifier_recovery(call: Call) -> Any:
    """``{recovery_id, channels}``."""
    body = call.body
    return call.rpc(
        "identity",
        "start_identifier_recovery",
        body["birth_name"],
        body["first_names"],
        body["birth_date"],
        body["captcha"],
    )


@operation(
    "POST",
    "/identifier-recoveries/{recovery_id}/code",
    tag=RECOVERY,
    body=schemas.Channel,
    answer=schemas.Answer,
    summary="Envoi du code par le canal choisi",
)
def send_identifier_recovery_code(call: Call) -> Any:
    """``{sent_to}``, masked."""
    return call.rpc(
        "identity",
        "send_identifier_recovery_code",
        call.path["recovery_id"],
        call.body["channel"],
    )


@operation(
    "POST",
    "/identifier-recoveries/{recovery_id}/completion",
    tag=RECOVERY,
    body=schemas.Code,
    answer=schemas.Answer,
    summary="Saisie du code : l'identifiant est envoyé",
)
def complete_identifier_recovery(call: Call) -> Any:
    """``{outcome: "identifier_sent", sent_to}``."""
    return call.rpc(
        "identity", "complete_identifier_recovery", call.path["recovery_id"], call.body["code"]
    )
