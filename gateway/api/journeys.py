"""The journeys before login: password check, login, captcha, registration, password reset,
identifier recovery. Each operation is one RPC of identity or lockout, with the same outcomes
(spec §14); ``docs/http-api.md`` gives an example of each. One row per operation: method, path,
what it runs, tag, summary, then its schemas and description.
"""

from __future__ import annotations

from typing import Any

from gateway.clients import identity, lockout

from . import schemas
from .operations import Call, Operation, declare, forward
from .source import login_source

JOURNEYS = "Parcours"
REGISTRATION = "Créer Mon Compte"
RESET = "Mot de passe oublié"
RECOVERY = "Identifiant provisoire oublié"


def login(call: Call) -> Any:
    body = call.body
    return identity.login(
        body["identifier"],
        body["password"],
        captcha=body.get("captcha"),
        source=login_source(body.get("source"), call.client),
    )


def new_captcha(call: Call) -> Any:
    challenge = lockout.new_captcha()
    return {key: challenge[key] for key in ("captcha_id", "image_png_base64")}


def new_audio_captcha(call: Call) -> Any:
    challenge = lockout.new_audio_captcha()
    return {key: challenge[key] for key in ("captcha_id", "audio_wav_base64")}  # never the digits


def start_registration(call: Call) -> Any:
    return identity.start_registration(call.body)  # the form, as the portal sends it


# fmt: off
declare(
    Operation("POST", "/passwords/check", forward(identity.check_password), JOURNEYS,
              "Vérifier un mot de passe", body=schemas.PasswordCheck,
              answer=schemas.PasswordCheckAnswer,
              description="The per-rule checklist of the password policy (the portal's bubbles)."),
    Operation("POST", "/login", login, JOURNEYS, "Se connecter", body=schemas.Login,
              answer=schemas.LoginAnswer,
              description="Outcomes are answers (200), never errors: ``ok`` with a session,"
              " ``invalid_credentials``, ``captcha_required``, ``frozen``,"
              " ``password_reset_required``."),
    Operation("POST", "/captchas", new_captcha, JOURNEYS, "Nouveau captcha (image)",
              answer=schemas.CaptchaAnswer, status=201,
              description="A single-use image challenge; send back ``{captcha_id, answer}``."),
    Operation("POST", "/captchas/audio", new_audio_captcha, JOURNEYS,
              "Nouveau captcha (audio, chiffres)", answer=schemas.AudioCaptchaAnswer, status=201,
              description="A single-use challenge of digits spoken in French (WAV), the"
              " alternative to the image: send back ``{captcha_id, answer}`` with the digits"
              " heard."),
    Operation("POST", "/registrations", start_registration, REGISTRATION, "Étape 1 : état civil",
              body=schemas.Registration, answer=schemas.Answer, status=201,
              description="``{registration_id, steps}``; a captcha always (SPEC §16), and"
              " without a NIR the parents."),
    Operation("POST", "/registrations/{registration_id}/code",
              forward(identity.send_registration_code), REGISTRATION,
              "Étape 2 : coordonnées de contact, envoi du code", body=schemas.RegistrationCode,
              answer=schemas.Answer,
              description="A 6-digit code goes to the mobile phone or mail typed twice:"
              " ``{sent_to}``."),
    Operation("POST", "/registrations/{registration_id}/code/verification",
              forward(identity.verify_registration_code), REGISTRATION,
              "Étape 2 : saisie du code", body=schemas.Code, answer=schemas.Answer,
              description="``{verified, attempts_left}``."),
    Operation("POST", "/registrations/{registration_id}/completion",
              forward(identity.complete_registration), REGISTRATION,
              "Étape 3 : mot de passe, récapitulatif", body=schemas.NewPassword,
              answer=schemas.Answer,
              description="The récapitulatif: ``{account_id, identifier, identifier_display,"
              " …}``."),
    Operation("POST", "/registrations/{registration_id}/abandonment",
              forward(identity.abandon_registration), REGISTRATION,
              "Quitter : la création de compte prend fin", answer=schemas.Answer,
              description="« Quitter »: identity ends the registration and shreds its form at"
              " once: ``{outcome: \"abandoned\", registration_id, step}``; asked again, the same"
              " answer."),
    Operation("POST", "/password-resets", forward(identity.start_password_reset), RESET,
              "NIR, nom de naissance et captcha", body=schemas.StartPasswordReset,
              answer=schemas.Answer, status=201,
              description="``{reset_id, channels: [{channel, masked}]}``; the same answer for"
              " an unknown NIR."),
    Operation("POST", "/password-resets/{reset_id}/code",
              forward(identity.send_password_reset_code), RESET,
              "Envoi du code par le canal choisi", body=schemas.Channel, answer=schemas.Answer,
              description="``{sent_to}``, masked."),
    Operation("POST", "/password-resets/{reset_id}/code/verification",
              forward(identity.verify_password_reset_code), RESET, "Saisie du code",
              body=schemas.Code, answer=schemas.Answer,
              description="``{verified, attempts_left}``."),
    Operation("POST", "/password-resets/{reset_id}/completion",
              forward(identity.complete_password_reset), RESET, "Nouveau mot de passe",
              body=schemas.NewPassword, answer=schemas.Answer,
              description='``{outcome: "password_changed", message: "Nouveau mot de passe'
              ' enregistré"}``.'),
    Operation("POST", "/identifier-recoveries", forward(identity.start_identifier_recovery),
              RECOVERY, "Nom, prénoms, date de naissance et captcha",
              body=schemas.StartIdentifierRecovery, answer=schemas.Answer, status=201,
              description="``{recovery_id, channels}``."),
    Operation("POST", "/identifier-recoveries/{recovery_id}/code",
              forward(identity.send_identifier_recovery_code), RECOVERY,
              "Envoi du code par le canal choisi", body=schemas.Channel, answer=schemas.Answer,
              description="``{sent_to}``, masked."),
    Operation("POST", "/identifier-recoveries/{recovery_id}/completion",
              forward(identity.complete_identifier_recovery), RECOVERY,
              "Saisie du code : l'identifiant est envoyé", body=schemas.Code,
              answer=schemas.Answer, description='``{outcome: "identifier_sent", sent_to}``.'),
)
# fmt: on
