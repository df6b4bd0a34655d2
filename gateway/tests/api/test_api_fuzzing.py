"""schemathesis against the running API (a real HTTP server, the four real services behind it):
no 5xx, every status and body as documented (errors in the ``{code, message, fields}`` shape),
and nothing stored for invalid input: no event of any store carries the id of a request that
was answered 400.

Bounded: a few examples per operation and per mode (valid by the document, and not), in about a
minute. More with ``API_FUZZ_EXAMPLES=50``.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import eventlet
import pytest
import schemathesis
from api_harness import CLIENTS, Api, basic
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway import server as gateway_server
from shared.runtime.eventstore import CORRELATION_FIELD
from shared.testing import application_of
from shared.testing.journeys.people import DANIEL, JONAS, PASSWORD
from shared.testing.journeys.platform import Platform

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
#: Scenarios of the stateful run, each up to STEPS linked calls.
SCENARIOS = int(os.environ.get("API_FUZZ_SCENARIOS", "30"))
STEPS = 6
POSITIVE = schemathesis.GenerationMode.POSITIVE
#: Valid cases of these get a random session: the live one must outlive the run.
SESSION_ENDING = {"/api/v1/session/logout", "/api/v1/session/logout-everywhere"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def running_api(gateway_app: Any) -> Iterator[str]:
    """The gateway served over HTTP by eventlet's WSGI server, as in production."""
    listener = eventlet.listen(("127.0.0.1", 0))
    server = eventlet.spawn(gateway_server.run, listener, gateway_app)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.kill()
    listener.close()


class Stores:
    """The correlation ids found on the events of every store of the platform."""

    def __init__(self, platform: Platform):
        self.apps = []
        for container in platform.services.containers:
            try:
                self.apps.append(application_of(container))
            except LookupError:
                continue

    def correlation_ids(self) -> set[str | None]:
        found: set[str | None] = set()
        for app in self.apps:
            for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
                event = app.mapper.to_domain_event(notification)
                found.add(getattr(event, CORRELATION_FIELD, None))
        return found


def test_fuzzing_finds_no_server_error_and_stores_nothing_on_invalid_input(
    platform: Platform, running_api: str, api: Api
) -> None:
    schema = schemathesis.openapi.from_url(running_api + "/api/v1/openapi.json")
    bearer = "Bearer " + api.token("appli-mobile")
    platform.register(JONAS)
    live_session = platform.session(str(JONAS.nir))  # lets valid cases reach past the session check
    refused: list[str] = []
    failures: list[str] = []

    def exercise(operation: Any, mode: schemathesis.GenerationMode) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            request_id = "fuzz-" + uuid.uuid4().hex
            headers = {"X-Request-Id": request_id}
            if operation.path != "/api/v1/oauth/token":
                headers["Authorization"] = bearer
            real_session = mode is POSITIVE and operation.path not in SESSION_ENDING
            if real_session and "X-Session-Token" in (case.headers or {}):
                headers["X-Session-Token"] = live_session
            response = case.call(base_url=running_api, headers=headers)
            case.validate_response(response, checks=CHECKS)
            if response.status_code == 400:
                refused.append(request_id)

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid in an operation without input
            pass
        except Exception as failure:  # every operation is tried; all failures are reported
            failures.append(
                f"{operation.method.upper()} {operation.path} ({mode.value}): {failure}"
            )

    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    for operation in operations:
        for mode in (POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            exercise(operation, mode)

    assert not failures, "\n\n".join(failures)
    assert len(operations) >= 20 and refused
    assert not set(refused) & Stores(platform).correlation_ids()


def test_stateful_fuzzing_follows_the_links_without_a_server_error(
    platform: Platform, running_api: str, api: Api
) -> None:
    """Scenarios chained by the document's links: a token opens the journeys, a journey's first
    step gives the next steps their id, a login gives Mon Compte its session. The first steps get
    real input (a known account, a valid captcha) so that the links lead somewhere; every answer
    is checked against the document."""
    schema = schemathesis.openapi.from_url(running_api + "/api/v1/openapi.json")
    platform.register(JONAS)
    platform.register(DANIEL)
    bearer = "Bearer " + api.token("appli-mobile")
    secret, _ = CLIENTS["appli-mobile"]
    answered: Counter[tuple[str, int]] = Counter()

    def realistic(case: Any) -> None:
        path = case.operation.path
        if path == "/api/v1/oauth/token":
            case.headers = {**(case.headers or {}), "Authorization": basic("appli-mobile", secret)}
            case.body = {"grant_type": "client_credentials"}
        elif path == "/api/v1/login":
            case.body = {"identifier": JONAS.nir, "password": PASSWORD}
        elif path == "/api/v1/registrations":
            case.body = {**DANIEL.registration_form(platform.captcha()), "has_nir": False}
        elif path == "/api/v1/password-resets":
            case.body = {
                "nir": JONAS.nir, "birth_name": JONAS.birth_name, "captcha": platform.captcha()
            }  # fmt: skip

    class Scenarios(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            realistic(case)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            headers = {"X-Request-Id": "fuzz-" + uuid.uuid4().hex}
            if "Authorization" not in (case.headers or {}):
                headers["Authorization"] = bearer
            return {"base_url": running_api, "headers": headers}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            answered[(f"{case.operation.method.upper()} {case.operation.path}",
                      response.status_code)] += 1  # fmt: skip
            case.validate_response(response, checks=CHECKS)

    Scenarios.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )

    print(sorted(answered.items()))  # what the scenarios reached (pytest -s shows it)
    assert not [key for key in answered if key[1] >= 500]
    reached = {operation for (operation, status) in answered if status < 400}
    assert "POST /api/v1/login" in reached
    assert reached & {"GET /api/v1/session", "GET /api/v1/account", "POST /api/v1/session/refresh",
                      "GET /api/v1/account/history"}, answered  # fmt: skip
