"""The citizen journeys over HTTP, against the four real services: the same outcomes as the RPC
contract, the services' French field messages, and the person's ``source`` believed only from
trusted clients."""

from __future__ import annotations

import base64
from typing import Any

from api_harness import Api

from shared.testing.journeys.people import DANIEL, JONAS, NEW_PASSWORD, PASSWORD, WRONG_PASSWORD
from shared.testing.journeys.platform import CAPTCHA_ANSWER, CODE_SUBJECT, Platform
from shared.testing.journeys.receivers import code_in
from shared.testing.receivers import SmtpReceiver

REMOTE_ADDR = "198.51.100.20"  # the calling client's own address (conftest's test client)


def _captcha(api: Api) -> dict[str, str]:
    """A captcha as a client gets one, answered (the test platform's lockout knows the answer)."""
    challenge = api.call("POST", "/captchas")
    assert challenge.status_code == 201, challenge.json
    return {"captcha_id": challenge.json["captcha_id"], "answer": CAPTCHA_ANSWER}


def _register(api: Api, platform: Platform) -> dict[str, Any]:
    started = api.call("POST", "/registrations", JONAS.registration_form(_captcha(api)))
    assert started.status_code == 201, started.json
    registration = "/registrations/" + started.json["registration_id"]
    sent = api.call(
        "POST", registration + "/code",
        {"channel": "email", "address": JONAS.email, "confirmation": JONAS.email},
    )  # fmt: skip
    assert sent.status_code == 200, sent.json
    verified = api.call(
        "POST", registration + "/code/verification", {"code": platform.next_code(JONAS)}
    )
    assert verified.json["verified"] is True
    recap = api.call(
        "POST", registration + "/completion", {"password": PASSWORD, "confirmation": PASSWORD}
    )
    assert recap.status_code == 200, recap.json
    return dict(recap.json)


def test_register_log_in_see_my_account_and_log_out(api: Api, platform: Platform) -> None:
    recap = _register(api, platform)
    assert recap["identifier_display"] == "1 85 01 75 100 001"

    login = api.call("POST", "/login", {"identifier": JONAS.nir, "password": PASSWORD})
    assert login.status_code == 200
    assert login.json["outcome"] == "ok"
    session = login.json["session"]["token"]

    assert api.call("GET", "/session", session=session).json["valid"] is True
    summary = api.call("GET", "/account", session=session)
    assert summary.json["identifier_display"] == "1 85 01 75 100 001"
    assert api.call("GET", "/account/delegation", session=session).status_code == 200
    allowed = api.call(
        "POST", "/account/authorizations", {"action": "view_history"}, session=session
    )
    assert allowed.json["allowed"] is True
    refreshed = api.call("POST", "/session/refresh", session=session)
    assert refreshed.json["outcome"] == "refreshed"
    assert api.call("POST", "/session/logout", session=session).json["outcome"] == "logged_out"

    after = api.call("GET", "/account", session=session)
    assert after.status_code == 401
    assert after.json["code"] == "session_invalid"
    assert api.call("GET", "/account/delegation", session=session).status_code == 401


def test_log_out_everywhere_ends_the_sessions_of_every_device(api: Api, platform: Platform) -> None:
    _register(api, platform)
    credentials = {"identifier": JONAS.nir, "password": PASSWORD}
    phone, laptop = (api.call("POST", "/login", credentials).json["session"]["token"]
                     for _ in range(2))  # fmt: skip

    ended = api.call("POST", "/session/logout-everywhere", session=phone)

    assert ended.json["outcome"] == "logged_out"
    assert api.call("GET", "/session", session=laptop).json["valid"] is False
    assert api.call("GET", "/account/history", session=laptop).status_code == 401


def test_a_wrong_password_is_an_outcome_not_an_error(api: Api, platform: Platform) -> None:
    answer = api.call("POST", "/login", {"identifier": JONAS.nir, "password": WRONG_PASSWORD})

    assert answer.status_code == 200
    assert answer.json["outcome"] == "invalid_credentials"
    assert answer.json["attempts_left"] == 4


def test_invalid_input_gets_the_french_field_messages_and_stores_nothing(
    api: Api, platform: Platform
) -> None:
    bad_key = {**JONAS.registration_form(), "nir": "1 85 01 75 100 001 99"}
    unknown = {"identifier": JONAS.nir, "password": PASSWORD, "couleur": "bleu"}

    from_service = api.call("POST", "/registrations", bad_key)
    from_gateway = api.call("POST", "/login", unknown)
    not_json = api.call("POST", "/login", None)

    assert from_service.status_code == 400
    assert from_service.json["code"] == "invalid_input"
    assert from_service.json["message"] == "Certains champs sont invalides."
    assert list(from_service.json["fields"]) == ["nir"]
    assert from_gateway.status_code == 400
    assert from_gateway.json["fields"] == {"couleur": ["Champ inconnu."]}
    assert not_json.status_code == 400 and "_schema" in not_json.json["fields"]
    assert platform.login(str(JONAS.nir))["outcome"] == "invalid_credentials"  # no account stored


def test_the_source_is_believed_only_from_a_trusted_client(api: Api, platform: Platform) -> None:
    _register(api, platform)
    person = {"ip": "203.0.113.7", "user_agent": "Appli Caf 5.2"}
    credentials = {"identifier": JONAS.nir, "password": PASSWORD}

    refused = api.call("POST", "/login", {**credentials, "source": person}, client="passerelle")
    untrusted = api.call("POST", "/login", credentials, client="passerelle")
    trusted = api.call("POST", "/login", {**credentials, "source": person})

    assert refused.status_code == 400
    assert refused.json["code"] == "untrusted_source"
    assert list(refused.json["fields"]) == ["source"]
    session = trusted.json["session"]["token"]
    history = api.call("GET", "/account/history", session=session).json["connections"]
    sources = [entry["source"] for entry in history]
    assert [s["ip"] for s in sources[:2]] == ["203.0.113.7", REMOTE_ADDR], sources
    assert untrusted.json["outcome"] == "ok"


def test_captchas_image_and_audio_never_carry_their_answer(api: Api, platform: Platform) -> None:
    image = api.call("POST", "/captchas")
    audio = api.call("POST", "/captchas/audio")

    assert image.status_code == audio.status_code == 201
    assert set(image.json) == {"captcha_id", "image_png_base64"}
    assert set(audio.json) == {"captcha_id", "audio_wav_base64"}
    assert base64.b64decode(audio.json["audio_wav_base64"])[:4] == b"RIFF"


def test_an_id_in_the_path_that_is_no_uuid_is_a_field_error(api: Api) -> None:
    answer = api.call("POST", "/password-resets/pas-un-identifiant/code", {"channel": "sms"})

    assert answer.status_code == 400
    assert answer.json["fields"] == {"reset_id": ["Identifiant invalide."]}


def test_every_answer_names_its_request_for_support(api: Api) -> None:
    given = api.call("POST", "/passwords/check", {}, **{"X-Request-Id": "appli-7f3e2a91"})
    fresh = api.call("POST", "/passwords/check", {})

    assert given.headers["X-Request-Id"] == "appli-7f3e2a91"
    assert fresh.headers["X-Request-Id"].startswith("portal-")


def test_reset_a_forgotten_password_then_change_it_over_http(api: Api, platform: Platform) -> None:
    """The code-on-file journey and the change of password, each step one row of the API's
    table calling identity with the request's values by the contract's names."""
    platform.register(JONAS)
    started = api.call(
        "POST", "/password-resets",
        {"nir": JONAS.nir, "birth_name": JONAS.birth_name, "captcha": _captcha(api)},
    )  # fmt: skip
    assert started.status_code == 201, started.json
    reset = "/password-resets/" + started.json["reset_id"]
    assert [c["channel"] for c in started.json["channels"]] == ["email"]

    sent = api.call("POST", reset + "/code", {"channel": "email"})
    verified = api.call("POST", reset + "/code/verification", {"code": platform.next_code(JONAS)})
    done = api.call("POST", reset + "/completion", {"password": NEW_PASSWORD,
                                                    "confirmation": NEW_PASSWORD})  # fmt: skip

    assert sent.json["outcome"] == "sent" and sent.json["sent_to"] == "j****s@t***.fr"
    assert verified.json["verified"] is True
    assert done.json["outcome"] == "password_changed", done.json
    session = platform.session(str(JONAS.nir), NEW_PASSWORD)
    changed = api.call(
        "PUT", "/account/password",
        {"current_password": NEW_PASSWORD, "password": PASSWORD, "confirmation": PASSWORD},
        session=session,
    )  # fmt: skip
    assert changed.json["outcome"] == "changed", changed.json
    assert platform.login(str(JONAS.nir), PASSWORD)["outcome"] == "ok"


def test_recover_a_provisional_identifier_over_http(api: Api, platform: Platform) -> None:
    platform.register(DANIEL)
    started = api.call(
        "POST", "/identifier-recoveries",
        {"birth_name": DANIEL.birth_name, "first_names": DANIEL.first_names,
         "birth_date": DANIEL.birth_date, "captcha": _captcha(api)},
    )  # fmt: skip
    assert started.status_code == 201, started.json
    recovery = "/identifier-recoveries/" + started.json["recovery_id"]

    sent = api.call("POST", recovery + "/code", {"channel": "sms"})
    done = api.call("POST", recovery + "/completion", {"code": platform.next_code(DANIEL)})

    assert sent.json["outcome"] == "sent", sent.json
    assert done.json["outcome"] == "identifier_sent", done.json


def test_quitter_ends_a_registration_and_no_step_goes_on(api: Api, platform: Platform) -> None:
    form = {**JONAS.registration_form(_captcha(api)), "nir": "1850175100099"}
    started = api.call("POST", "/registrations", form)
    assert started.status_code == 201, started.json
    registration = "/registrations/" + started.json["registration_id"]

    left = api.call("POST", registration + "/abandonment")

    assert left.status_code == 200, left.json
    assert left.json == {
        "outcome": "abandoned",
        "registration_id": started.json["registration_id"],
        "step": "etat_civil",
    }
    refused = api.call(
        "POST", registration + "/code",
        {"channel": "email", "address": JONAS.email, "confirmation": JONAS.email},
    )  # fmt: skip
    assert refused.status_code == 400
    assert refused.json["code"] == "registration_abandoned"
    assert api.call("POST", registration + "/abandonment").json == left.json


def test_change_my_mail_over_http_with_a_code_sent_to_the_new_one(
    api: Api, platform: Platform
) -> None:
    """Issue #29: « Modifier » over HTTP, the ladder's answers and the code to the new mail."""
    platform.register(JONAS)
    session = platform.session(str(JONAS.nir), PASSWORD)
    new_mail = "jonas.nouveau@exemple.fr"
    change = {"channel": "email", "address": new_mail, "confirmation": new_mail}

    wrong = api.call(
        "POST", "/account/contacts", {**change, "current_password": WRONG_PASSWORD},
        session=session,
    )  # fmt: skip
    started = api.call(
        "POST", "/account/contacts", {**change, "current_password": PASSWORD}, session=session
    )
    [mail] = platform.mailbox.wait(new_mail, CODE_SUBJECT)
    code = code_in(SmtpReceiver.text_of(mail))
    done = api.call(
        "POST", f"/account/contacts/{started.json['change_id']}/code", {"code": code},
        session=session,
    )  # fmt: skip

    assert wrong.status_code == 200 and wrong.json["outcome"] == "invalid_current_password"
    assert (
        wrong.json["attempts_left"] == 4 and "Il vous reste 4 tentatives" in wrong.json["message"]
    )
    assert started.json["outcome"] == "code_sent", started.json
    assert done.json["outcome"] == "changed", done.json
    assert api.call("GET", "/account", session=session).json["contact"]["email"] == new_mail
