"""The OpenAPI document is generated from the handlers' own schemas; the committed copy
(docs/openapi.json, ``make openapi``) and the served one are that document, never a hand-kept
copy that drifts."""

from __future__ import annotations

import json
from typing import Any

from api_harness import gateway_settings

from connexion_client import ConnexionClient
from gateway.api import openapi
from gateway.api.operations import OPERATIONS
from gateway.app import create_app
from shared.runtime.broker_users import BACK_OFFICE_METHODS


def test_the_committed_document_is_the_generated_one() -> None:
    assert openapi.COMMITTED.read_text(encoding="utf-8") == openapi.rendered(), (
        "docs/openapi.json is stale: run `make openapi` and commit it"
    )


def test_the_gateway_serves_it_without_a_token(tmp_path: Any) -> None:
    nowhere = ConnexionClient("amqp://127.0.0.1:1//", timeout=1.0)
    app = create_app(gateway_settings(tmp_path, "amqp://127.0.0.1:1//"), client=nowhere)

    served = app.test_client().get("/api/v1/openapi.json")

    assert served.status_code == 200
    assert served.json == json.loads(openapi.rendered())
    assert served.json["openapi"] == "3.1.0"


def test_every_operation_is_documented_with_the_schema_it_validates_with() -> None:
    document = openapi.document()
    for operation in OPERATIONS:
        spec = document["paths"]["/api/v1" + operation.path][operation.method.lower()]
        if operation.body is not None:
            body = spec["requestBody"]["content"]["application/json"]["schema"]
            name = openapi.component_name(operation.body)
            assert body == {"$ref": f"#/components/schemas/{name}"}
        assert spec["responses"]["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_no_back_office_method_is_exposed() -> None:
    exposed = json.dumps(openapi.document())
    back_office = [m for methods in BACK_OFFICE_METHODS.values() for m in methods]
    assert "agent_find_account" in back_office  # the agents' console's too (issue #35)
    for method in (*back_office, "household", "deliveries", "status"):
        assert f'"operationId": "{method}"' not in exposed
