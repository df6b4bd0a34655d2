"""« Mon profil » › « Modifier » across the four real services (issue #29 item 1): the code goes
to the NEW mail, the previous one is told of the change with the « pas vous ? » path, and a reset
code then goes to the new mail only once that notice has left."""

from __future__ import annotations

from shared.testing.journeys.people import JONAS, PASSWORD
from shared.testing.journeys.platform import CODE_SUBJECT, Platform
from shared.testing.journeys.receivers import code_in
from shared.testing.receivers import SmtpReceiver

NEW_MAIL = "jonas.nouveau@exemple.fr"
CHANGED_SUBJECT = "Vos coordonnées de contact ont été modifiées"


def test_a_person_changes_their_mail_and_the_previous_one_is_told(started: Platform) -> None:
    identifier = str(JONAS.nir)
    started.register(JONAS)
    token = started.session(identifier)
    identity = started.rpc.identity

    start = identity.start_contact_change(token, PASSWORD, "email", NEW_MAIL, NEW_MAIL)
    [mail] = started.mailbox.wait(NEW_MAIL, CODE_SUBJECT)
    done = identity.confirm_contact_change(token, start["change_id"], code_in(text(mail)))

    assert start["outcome"] == "code_sent" and done["outcome"] == "changed"
    [notice] = started.mailbox.wait(str(JONAS.email), CHANGED_SUBJECT)
    assert "Si vous n'êtes pas à l'origine de ce changement" in text(notice)
    assert "contactez sans attendre votre Caf" in text(notice)
    summary = identity.account_summary(token)
    assert summary["contact"]["email"] == NEW_MAIL


def text(message: object) -> str:
    return SmtpReceiver.text_of(message)  # type: ignore[arg-type]
