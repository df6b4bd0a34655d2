"""The French the portal shows, in the agency's own words where the seed has them."""

# ruff: noqa: S105 - "mot de passe" in a message is not a hardcoded password

from __future__ import annotations

import math

INVALID_CREDENTIALS = "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects."
INVALID_PROVISIONAL_CREDENTIALS = "Vos identifiant provisoire et/ou mot de passe sont incorrects."
RETRY_OR_FORGOTTEN = "Réessayez ou cliquez sur mot de passe oublié ?"
CHECK_INPUT = "Veuillez vérifier vos informations saisies."
FIFTH_FAILURE_WARNING = "Attention : au 5e échec, votre compte sera bloqué."
CAPTCHA_REQUIRED = "Pour continuer, recopiez les caractères de l'image (vérification de sécurité)."
CAPTCHA_INVALID = "Les caractères saisis ne correspondent pas à l'image. Veuillez réessayer."
PASSWORD_RESET_REQUIRED = (
    "Protégez-vous, modifiez votre mot de passe : pour accéder à Mon Compte, choisissez un "
    "nouveau mot de passe en sélectionnant « Mot de passe oublié ? »."
)
PASSWORD_CHANGE_RECOMMENDED = (
    "Protégez-vous, modifiez votre mot de passe. Nous vous recommandons de modifier votre mot de "
    "passe en sélectionnant « Mot de passe oublié ? »."
)
ACCOUNT_EXISTS = (
    "Un compte existe déjà avec ce numéro de Sécurité sociale. Connectez-vous, ou cliquez sur "
    "« Mot de passe oublié ? » si vous ne vous souvenez plus de votre mot de passe."
)
REGISTRATION_STEPS_ANNOUNCE = "Pour créer mon espace, 3 étapes et 5 à 10 minutes sont nécessaires"
NO_IDENTITY_DOCUMENT = (
    "Attention, si vous déclarez ne pas posséder une pièce d'identité délivrée par les autorités "
    "françaises, vous devrez fournir les justificatifs nécessaires au traitement de vos demandes."
)
REGISTRATION_ABANDONED = (
    "Cette création de compte a été abandonnée : rien n'a été conservé. Recommencez depuis le "
    "début."
)
KEEP_PROVISIONAL_IDENTIFIER = (
    "Conservez bien cet identifiant, il vous permettra de vous connecter à votre Espace Mon Compte."
)
CODE_SINGLE_USE = (
    "A noter : ce code de vérification est à usage unique. Une fois saisi sur cet écran, vous ne "
    "pourrez plus l'utiliser."
)
#: the seed's note where a password is chosen right after the code (reset, registration)
CODE_SINGLE_USE_THEN_PASSWORD = (
    f"{CODE_SINGLE_USE} Nous vous invitons à saisir immédiatement votre nouveau mot de passe à "
    "l'étape suivante pour finaliser votre démarche."
)
NO_CONTACT_ON_FILE = (
    "Nous ne pouvons pas vous envoyer de code de vérification : contactez votre Caf pour mettre "
    "à jour vos coordonnées de contact."
)
CODE_OUTCOMES = {
    "verified": "Code de vérification accepté.",
    "invalid_code": "Le code de vérification est incorrect.",
    "code_expired": "Ce code de vérification a expiré : demandez-en un nouveau.",
    "too_many_attempts": (
        "Trop d'erreurs de saisie : ce code n'est plus valable, demandez-en un nouveau."
    ),
    "no_code": "Aucun code de vérification en cours : demandez-en un nouveau.",
}
RESEND_TOO_SOON = "Un code vient de vous être envoyé. Attendez avant d'en demander un nouveau."
NEW_PASSWORD_SAVED = "Nouveau mot de passe enregistré"
PASSWORD_CHANGED_DETAIL = "Votre mot de passe a été modifié avec succès."
CONTACTS_CHANGED = (
    "Vos coordonnées de contact sont modifiées. Un message de confirmation a été envoyé à vos "
    "anciennes coordonnées."
)
CONTACT_CHANGES_LIMIT = (
    "Vous avez déjà modifié vos coordonnées de contact plusieurs fois aujourd'hui. Réessayez "
    "demain, ou contactez votre Caf."
)
SESSION_INVALID = "Votre session a expiré. Veuillez vous reconnecter."


def attempts_left_message(
    attempts_left: int, provisional: bool = False, failures: int | None = None
) -> str:
    """The seed's answer to a wrong password; from the second failure on it adds « Réessayez
    ou cliquez sur mot de passe oublié ? » (the seed's second screen).

    >>> attempts_left_message(3, provisional=True, failures=2)[:40]
    'Vos identifiant provisoire et/ou mot de '
    """
    plural = "s" if attempts_left > 1 else ""
    wrong = INVALID_PROVISIONAL_CREDENTIALS if provisional else INVALID_CREDENTIALS
    text = (
        f"{wrong} {CHECK_INPUT} Il vous reste {attempts_left} tentative{plural}. "
        f"{FIFTH_FAILURE_WARNING}"
    )
    return f"{text} {RETRY_OR_FORGOTTEN}" if (failures or 0) >= 2 else text


WRONG_CURRENT_PASSWORD = "Le mot de passe actuel est incorrect."


def wrong_current_password_message(attempts_left: int) -> str:
    """A wrong current password while logged in: the login's ladder and its wording."""
    plural = "s" if attempts_left > 1 else ""
    return (
        f"{WRONG_CURRENT_PASSWORD} {CHECK_INPUT} Il vous reste {attempts_left} "
        f"tentative{plural}. {FIFTH_FAILURE_WARNING}"
    )


def frozen_message(retry_after_s: int | None) -> str:
    minutes = max(1, math.ceil((retry_after_s or 60) / 60))
    if minutes >= 120:
        duration = f"{math.ceil(minutes / 60)} heures"
    else:
        duration = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return (
        f"Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant {duration}."
    )


PROVISIONAL_IDENTIFIER_SENT = "Votre identifiant provisoire vous a été envoyé."
LOG_IN_WITH_NIR = (
    "Un numéro de Sécurité sociale vous a été attribué : connectez-vous avec lui en cliquant sur "
    "« Mot de passe oublié ? »."
)
