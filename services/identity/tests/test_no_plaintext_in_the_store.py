"""Nothing personal or secret is readable in identity's event store (spec §13), on both stores,
and erasing a person's key shreds it while the history still replays (spec §12)."""

from __future__ import annotations

import uuid

from shared.testing import both_stores

from .conftest import MOBILE, NIR, PASSWORD, form_without_nir


def stored_text(app) -> str:
    rows = app.recorder.select_notifications(start=1, limit=100_000)
    return "\n".join(row.topic + " " + row.state.decode("utf-8", "replace") for row in rows)


@both_stores
def test_no_nir_name_contact_password_hash_code_or_address_in_the_store(identity):
    recap = identity.register_with_nir()
    provisional = identity.register(form_without_nir(identity.captcha()), channel="sms",
                                    address=MOBILE)["identifier"]  # fmt: skip
    identity.login(NIR, PASSWORD, source={"ip": "203.0.113.7", "user_agent": "Firefox"})
    started = identity.rpc.identity.start_password_reset(NIR, "TEST", identity.captcha())
    identity.rpc.identity.send_password_reset_code(started["reset_id"], "email")
    code = identity.next_code()  # the reset's (register() read the registrations' codes)

    text = stored_text(identity.app)

    assert "Account.Registered" in text  # we are reading the right thing
    for secret in ("1630631555082", provisional, "MORVAN", "DANIEL", "daniel.morvan",
                   "0612345612", "203.0.113.7", "Firefox", PASSWORD, "$argon2id$",
                   f'"{code}"', "X4RTBPFW4"):  # fmt: skip
        assert secret not in text, secret
    assert recap["account_id"]


def test_erasing_a_person_shreds_their_data_and_the_history_still_replays(identity):
    recap = identity.register_with_nir()
    app = identity.app
    account_id = uuid.UUID(recap["account_id"])

    app.vault.erase(account_id)
    account = app.repository.get(account_id)

    assert account.civil_status.erased and account.contact.erased
    assert account.identifier_kind == "nir"  # the history is intact
    assert identity.login(NIR)["outcome"] == "invalid_credentials"


def test_a_contact_change_stores_neither_the_new_address_nor_its_code(identity):
    identity.register_with_nir()
    token = identity.session()
    new = "nouvelle.adresse@exemple.fr"
    start = identity.rpc.identity.start_contact_change(token, PASSWORD, "email", new, new)
    code = identity.next_code()
    identity.rpc.identity.confirm_contact_change(token, start["change_id"], code)

    text = stored_text(identity.app)

    assert "Account.ContactsUpdated" in text  # we are reading the right thing
    for secret in ("nouvelle.adresse", f'"{code}"', PASSWORD):
        assert secret not in text, secret
