"""Fixtures of the operations tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.testing.broker_users import BrokerUsers
from shared.testing.infrastructure import Vhost


@pytest.fixture
def broker_users(amqp_vhost: Vhost) -> Iterator[BrokerUsers]:
    users = BrokerUsers(amqp_vhost)
    users.create()
    yield users
    users.delete()
