"""The runner's start-up checks say what is wrong and the fix: a refusal is not "unreachable"."""

from __future__ import annotations

import socket
from urllib.parse import urlparse, urlunparse

import pytest

from shared.runtime.settings import ServiceSettings
from shared.runtime.startup_checks import (
    StartupError,
    check_broker,
    check_http_port,
    check_store,
)
from shared.testing.infrastructure import POSTGRES_ADMIN_URL, RABBIT_HOST, RABBIT_PORT


def broker_message(uri: str) -> str:
    with pytest.raises(StartupError) as refused:
        check_broker(uri)
    return str(refused.value)


def store_message(database_url: str, tmp_path) -> str:
    settings = ServiceSettings.from_mapping(
        {"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path)}, "identity"
    )
    with pytest.raises(StartupError) as refused:
        check_store(settings)
    return str(refused.value)


def with_path(url: str, path: str, user: str | None = None) -> str:
    parts = urlparse(url)
    netloc = parts.netloc if user is None else f"{user}@{parts.hostname}:{parts.port or 5432}"
    return urlunparse(parts._replace(path=path, netloc=netloc))


def test_a_wrong_broker_password_says_so_and_hides_it():
    message = broker_message(f"amqp://guest:not-the-password@{RABBIT_HOST}:{RABBIT_PORT}/")
    assert "refused the user name or password of AMQP_URI" in message
    assert "not reachable" not in message and "not-the-password" not in message


def test_a_missing_vhost_is_named_with_the_command_that_creates_it():
    message = broker_message(f"amqp://guest:guest@{RABBIT_HOST}:{RABBIT_PORT}/no-such-vhost")
    assert "the vhost 'no-such-vhost' of AMQP_URI does not exist" in message
    assert "rabbitmqctl add_vhost no-such-vhost" in message
    assert "not reachable" not in message


def test_a_broker_that_does_not_answer_names_make_infra():
    message = broker_message("amqp://guest:guest@127.0.0.1:1/")
    assert "RabbitMQ is not reachable at amqp://***@127.0.0.1:1/" in message
    assert "make infra" in message and "make broker" not in message


def test_a_missing_database_is_named_with_the_command_that_creates_it(tmp_path):
    message = store_message(with_path(POSTGRES_ADMIN_URL, "/no_such_database"), tmp_path)
    assert "has no database 'no_such_database'" in message
    assert "createdb no_such_database" in message and "not reachable" not in message


def test_an_unknown_database_user_is_not_unreachable(tmp_path):
    message = store_message(with_path(POSTGRES_ADMIN_URL, "/postgres", "nobody_here"), tmp_path)
    assert "does not know the user of DATABASE_URL" in message
    assert "not reachable" not in message


def test_a_database_that_does_not_answer_says_unreachable(tmp_path):
    message = store_message("postgresql://postgres@127.0.0.1:1/postgres", tmp_path)
    assert "not reachable" in message and "make infra" in message


def test_a_busy_health_port_names_the_port_and_its_variable():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StartupError) as refused:
            check_http_port({"IDENTITY_HTTP_PORT": str(port)}, "identity", port)
    message = str(refused.value)
    assert f"port {port} of identity (IDENTITY_HTTP_PORT) is already in use" in message
    assert "set IDENTITY_HTTP_PORT to a free port" in message


def test_a_free_health_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_http_port({"HTTP_PORT": str(port)}, "lockout", port)
