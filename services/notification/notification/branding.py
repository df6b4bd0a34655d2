"""Who the messages say they come from: the agency's names, links and letter head.

Nothing here names a real agency by default: an agency sets its own (docs/notification.md,
"Branding"). Outside production every message says it is a demonstration, so a message from a
test or a demonstration stack can never pass for the agency's.

>>> Branding().sms_prefix
'Mon Compte (démonstration)'
>>> Branding(short_name="Caf", demonstration=False).sms_prefix
'Caf'
>>> Branding(site_url="https://moncompte.exemple.fr/").where_to_log_in
'sur moncompte.exemple.fr'
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

#: The line every mail and letter starts with outside production. Subjects stay as they are:
#: receivers and support sort messages by them.
DEMONSTRATION_NOTICE = (
    "Message de démonstration : il ne vient pas d'une Caf"
    " et n'appelle aucune démarche de votre part."
)
SMS_MARK = "(démonstration)"
PRIVACY_PAGE = "/informatique-et-libertes"
SECURITY_ADVICE_PAGE = "/conseils-de-securite"


@dataclass(frozen=True)
class Branding:
    #: Starts every SMS (« Mon Compte : … »); the agency's short name (« Caf des Hauts-de-Seine »).
    short_name: str = "Mon Compte"
    #: Signs mails and letters.
    signature: str = "Le service Mon Compte"
    #: The portal's public address: links in messages; unset, messages name the page instead.
    site_url: str | None = None
    #: The letter head, line by line.
    letter_head: tuple[str, ...] = ("Mon Compte",)
    #: The agency's telephone number, named where a message says « ce n'était pas moi ».
    contact_phone: str | None = None
    #: Outside production: every message says it is a demonstration.
    demonstration: bool = True

    @property
    def sms_prefix(self) -> str:
        return f"{self.short_name} {SMS_MARK}" if self.demonstration else self.short_name

    @property
    def site(self) -> str | None:
        """The portal's host as a person types it (``moncompte.exemple.fr``)."""
        return urlsplit(self.site_url).netloc or None if self.site_url else None

    @property
    def where_to_log_in(self) -> str:
        """Where « Mot de passe oublié ? » is: the site, or the page's name."""
        return f"sur {self.site}" if self.site else "à la connexion"

    @property
    def privacy_link(self) -> str:
        """Ends the footer's sentence: the page's address (no full stop after a link), or its
        name."""
        if self.site_url:
            return f": {self.site_url.rstrip('/')}{PRIVACY_PAGE}"
        return "de Mon Compte."

    @property
    def not_me(self) -> str:
        """What to do when a change on the account was not the person's own (« ce n'était pas
        moi »): call the agency, at its number when configured, and read the security advice.

        >>> notice = Branding(contact_phone="3230", site_url="https://mc.exemple.fr").not_me
        >>> "appelez sans attendre votre Caf au 3230" in notice
        True
        >>> notice.endswith("conseils de sécurité : https://mc.exemple.fr/conseils-de-securite")
        True
        """
        call = (
            f"appelez sans attendre votre Caf au {self.contact_phone} (ou rendez-vous à l'accueil)"
            if self.contact_phone
            else "contactez sans attendre votre Caf par téléphone ou à l'accueil"
        )
        advice = (
            f" et consultez nos conseils de sécurité : {self.site_url.rstrip('/')}"
            f"{SECURITY_ADVICE_PAGE}"
            if self.site_url
            else "."
        )
        return f"Si vous n'êtes pas à l'origine de ce changement, {call}{advice}"

    @property
    def not_me_sms(self) -> str:
        """The same in an SMS, where one segment leaves room for a few words."""
        if self.contact_phone:
            return f"Pas vous ? Appelez votre Caf au {self.contact_phone}."
        return "Pas vous ? Contactez votre Caf sans attendre."

    def body(self, body: str, channel: str) -> str:
        """A mail or letter starts with the demonstration notice (an SMS carries its mark in
        its prefix: one segment has no room for a sentence)."""
        if not self.demonstration or channel == "sms":
            return body
        return f"{DEMONSTRATION_NOTICE}\n\n{body}"
