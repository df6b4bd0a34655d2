"""The services as the page tests script them: a stand-in for the application's ConnexionClient
(``create_app(settings, client=FakeServices())``) that answers each ``service.method`` with what
the test gave, raises what the test gave, and records every call. The pages, their templates,
the typed clients, sessions and CSRF are the real ones; only the services are outside."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from connexion_client import InvalidInput

CAPTCHA = {"captcha_id": "5f0c7c1e-3a4b-4c5d-8e9f-0a1b2c3d4e5f", "image_png_base64": "iVBORw0KGgo="}

Reply = Any  # an answer, an exception to raise, or a callable of the call's arguments


class FakeServices:
    def __init__(self) -> None:
        self.replies: dict[str, Reply] = {"lockout.new_captcha": CAPTCHA}
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def answer(self, method: str, reply: Reply) -> None:
        """``answer("identity.start_password_reset", {...})``: the next calls' reply."""
        self.replies[method] = reply

    def refuse(self, method: str, fields: dict[str, list[str]]) -> None:
        """The service answers ``InvalidInput`` with these French field messages."""
        self.replies[method] = InvalidInput(code="invalid_input", fields=fields)

    def call(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        name = f"{service}.{method}"
        self.calls.append((name, args, kwargs))
        if name not in self.replies:
            raise AssertionError(f"the page called {name}, which this test did not script")
        reply = self.replies[name]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(*args, **kwargs)
        return reply

    def called(self, method: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for name, args, kwargs in self.calls if name == method]

    @contextlib.contextmanager
    def correlated(self, correlation_id: str) -> Iterator[str]:
        yield correlation_id

    def close(self) -> None:
        pass


class Visitor:
    """Flask's test client as a person's browser on https: cookies kept, forms posted with the
    page's CSRF token, pages read as text."""

    def __init__(self, app: Any) -> None:
        self.http = app.test_client()

    def get(self, path: str) -> Any:
        return self.http.get(path, base_url="https://localhost")

    def post(self, path: str, form: dict[str, str], page: str | None = None) -> Any:
        """Posts ``form`` with the CSRF token of ``page`` (default: ``path``, fetched first)."""
        token = csrf_token(self.get(page or path).get_data(as_text=True))
        return self.http.post(
            path, data={"csrf_token": token, **form}, base_url="https://localhost"
        )


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
