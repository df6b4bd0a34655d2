"""The retention table holds spec §17's defaults (and the letter spool's, issue #26), each
duration is a setting the DPO can change, and the documents made from it say what the settings
say."""

from datetime import timedelta

import pytest
from lockout.settings import LockoutSettings

from shared.privacy.notice import privacy_notice, privacy_notice_sections, retention_lines
from shared.privacy.retention import ROWS, TABLE, french_duration
from shared.runtime.settings import ServiceSettings

#: spec §17 and issue #19, as a person reads them
SPEC_DEFAULTS = {
    "account": None,
    "connection_sources": "6 mois",
    "lockout_ladders": "30 jours",  # LOCKOUT_IDLE_FORGET_DAYS
    "unfinished_registrations": "30 jours",
    "deliveries": "1 an",
    "letter_spool": "30 jours",  # issue #26: letters waiting in the print spool
    "agent_actions": "5 ans",
    "caf_connect": None,  # issue #34: with the account; tokens expire on their own
    "request_markers": "30 jours",  # issue #28: markers out of the event log
}


def test_the_table_has_one_row_per_kind_of_data_of_the_spec():
    assert [row.category for row in TABLE] == list(SPEC_DEFAULTS)


@pytest.mark.parametrize("category", [c for c, d in SPEC_DEFAULTS.items() if d])
def test_each_default_duration_is_the_spec_s(category):
    assert ROWS[category].kept_for() == SPEC_DEFAULTS[category]


def test_accounts_have_no_automatic_expiry_but_the_agency_s_rule():
    assert ROWS["account"].duration(ServiceSettings("identity")) is None
    assert "règle de conservation de la Caf" in ROWS["account"].kept_for()


def test_the_dpo_sets_each_duration_by_a_variable():
    settings = ServiceSettings.from_mapping(
        {"ENVIRONMENT": "development", "RETENTION_DELIVERIES_DAYS": "90"}, "notification"
    )
    assert ROWS["deliveries"].variable() == "RETENTION_DELIVERIES_DAYS"
    assert ROWS["deliveries"].duration(settings) == timedelta(days=90)
    assert ROWS["deliveries"].kept_for(settings) == "3 mois"
    ladders = LockoutSettings.from_mapping(
        {"ENVIRONMENT": "development", "LOCKOUT_IDLE_FORGET_DAYS": "7"}, "lockout"
    )
    assert ROWS["lockout_ladders"].variable() == "LOCKOUT_IDLE_FORGET_DAYS"
    assert ROWS["lockout_ladders"].duration(ladders) == timedelta(days=7)


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "1 jour"),
        (30, "30 jours"),
        (90, "3 mois"),
        (183, "6 mois"),
        (365, "1 an"),
        (730, "2 ans"),
        (1826, "5 ans"),
        (45, "45 jours"),
    ],
)
def test_durations_read_in_french(days, words):
    assert french_duration(days) == words


def test_the_privacy_notice_states_the_durations_the_dpo_set():
    settings = ServiceSettings.from_mapping(
        {"ENVIRONMENT": "development", "RETENTION_CONNECTION_SOURCES_DAYS": "365"}, "identity"
    )
    notice = privacy_notice(settings, controller="La Caf de la Gironde")
    assert "La Caf de la Gironde est responsable" in notice
    assert "- Adresse IP et navigateur de chaque connexion ou tentative refusée : 1 an" in notice
    assert len(retention_lines()) == len(TABLE)
    assert "6 mois" in privacy_notice()


def test_the_notice_is_also_given_as_sections_for_the_portal_s_html_page():
    sections = privacy_notice_sections(controller="La Caf de la Gironde")
    titles = [s["title"] for s in sections]
    assert titles == [
        "Qui traite vos données ?",
        "Pourquoi et sur quelle base ?",
        "Quelles données ?",
        "Qui les reçoit ?",
        "Combien de temps ?",
        "Vos droits",
    ]
    assert sections[0]["blocks"][0]["paragraph"].startswith("La Caf de la Gironde est responsable")
    (kept, *_) = sections[4]["blocks"]
    assert kept["items"] == [line[2:] for line in retention_lines()]
