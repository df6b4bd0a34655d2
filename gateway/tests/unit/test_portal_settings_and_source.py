"""The portal's rules that need no browser: the client's address behind trusted proxies only,
the remembered identifier sealed and masked, the mailbox refused outside development and test."""

from __future__ import annotations

import ipaddress

import pytest
from flask import Flask

from gateway.portal.remembered import Seal, masked
from gateway.security import client_ip
from gateway.settings import GatewaySettings
from shared.runtime.settings import SettingsError

PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", "", "203.0.113.7"),  # no proxy
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # an untrusted peer cannot forge it
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),  # our ingress tells who it served
        ("10.1.2.3", "192.0.2.66, 198.51.100.1, 10.9.9.9", "198.51.100.1"),  # rightmost untrusted
    ],
)
def test_the_source_address_is_believed_from_trusted_proxies_only(
    remote: str, forwarded: str, expected: str
) -> None:
    app = Flask(__name__)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with app.test_request_context(environ_base={"REMOTE_ADDR": remote}, headers=headers):
        assert client_ip(PROXIES) == expected


def test_a_remembered_identifier_is_sealed_and_shown_masked() -> None:
    seal = Seal(b"k" * 32, "remembered identifier")
    sealed = seal.close("1850575123456")

    assert "1850575123456" not in sealed
    assert seal.open(sealed) == "1850575123456"
    assert Seal(b"x" * 32, "remembered identifier").open(sealed) is None  # another key
    assert seal.open(sealed[:-2] + "xx") is None  # tampered
    assert masked("1850575123456") == "1 85 ** ** *** 456"
    assert masked("P33392250") == "P*****250"


def test_the_mailbox_and_a_default_secret_are_refused_outside_development() -> None:
    with pytest.raises(SettingsError, match="DEV_MAILBOX"):
        GatewaySettings.from_mapping(
            {"ENVIRONMENT": "production", "DEV_MAILBOX": "true"}, "gateway"
        )
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        GatewaySettings.from_mapping({"ENVIRONMENT": "production"}, "gateway")
    test = GatewaySettings.from_mapping(
        {"ENVIRONMENT": "test", "DEV_MAILBOX": "true", "SECRET_KEY": "a" * 44}, "gateway"
    )
    assert test.dev_mailbox and test.shows_demonstration_banner


def test_benefit_requests_are_configured_codes_with_a_portal_path_or_an_https_address() -> None:
    settings = GatewaySettings.from_mapping(
        {
            "ENVIRONMENT": "development",
            "GATEWAY_BENEFIT_REQUESTS": "ALS=/mon-compte/rubrique/demande-prestation,"
            " PAJE=https://demarches.exemple.fr/paje?depuis=mon-compte",
        },
        "gateway",
    )
    assert settings.benefit_addresses == {
        "ALS": "/mon-compte/rubrique/demande-prestation",
        "PAJE": "https://demarches.exemple.fr/paje?depuis=mon-compte",
    }
    default = GatewaySettings.from_mapping({"ENVIRONMENT": "development"}, "gateway")
    assert default.benefit_addresses["ALS"] == "/mon-compte/rubrique/demande-prestation"


@pytest.mark.parametrize(
    "entry",
    [
        "ALS=//exemple.invalid/piege",  # another site, without its scheme
        "ALS=/\\exemple.invalid",  # read as //exemple.invalid by browsers
        "ALS=http://demarches.exemple.fr",  # not https
        "ALS=javascript:alert(1)",
        "A L S=/mon-compte",  # not a code identity accepts
        "ALS",  # no address
    ],
)
def test_a_benefit_address_that_could_lead_elsewhere_is_refused_at_start(entry: str) -> None:
    with pytest.raises(SettingsError, match="BENEFIT_REQUESTS"):
        GatewaySettings.from_mapping(
            {"ENVIRONMENT": "development", "BENEFIT_REQUESTS": entry}, "gateway"
        )
