"""The « Informatique et libertés » page states the durations the DPO configured, from the same
retention table as docs/privacy.md (spec §17), not a copy of them."""

from __future__ import annotations

import re

from gateway.app import create_app
from gateway.settings import GatewaySettings


def page_text(settings: dict[str, str]) -> str:
    config = {"ENVIRONMENT": "test", "SECRET_KEY": "a" * 44, **settings}
    app = create_app(GatewaySettings.from_mapping(config, "gateway"))
    answer = app.test_client().get("/informatique-et-libertes", base_url="https://localhost")
    assert answer.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def test_the_notice_says_how_long_each_kind_of_data_is_kept() -> None:
    text = page_text({})

    assert "Combien de temps ?" in text
    assert "Adresse IP et navigateur de chaque connexion ou tentative refusée : 6 mois" in text
    assert "Vous pouvez accéder à vos données" in text


def test_the_durations_are_the_ones_the_dpo_configured() -> None:
    text = page_text({"RETENTION_CONNECTION_SOURCES_DAYS": "365"})

    assert "Adresse IP et navigateur de chaque connexion ou tentative refusée : 6 mois" not in text
    assert re.search(
        r"Adresse IP et navigateur de chaque connexion ou tentative refusée : 1[2 ]", text
    )
