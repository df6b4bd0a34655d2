"""The broker users' table (shared/runtime/broker_users.py) follows the services themselves:
every RPC method is classified (citizen, back office or service-to-service) exactly once, and
each service may bind exactly the events its handlers consume."""

from __future__ import annotations

import re

import pytest
from delegation.service import DelegationService
from identity.service import IdentityService
from lockout.service import LockoutService
from nameko.rpc import Rpc
from notification.service import NotificationService

from shared.runtime.broker_users import (
    BACK_OFFICE_METHODS,
    CITIZEN_METHODS,
    REPLY_KEY,
    SERVICE_METHODS,
    caller,
    permissions_for,
)
from shared.runtime.consumer import BroadcastEventHandler, IntegrationEventHandler

SERVICES = (IdentityService, LockoutService, NotificationService, DelegationService)


def entrypoints(service: type, kind: type) -> list[tuple[str, object]]:
    return [
        (attr, entrypoint)
        for attr in dir(service)
        for entrypoint in getattr(getattr(service, attr), "nameko_entrypoints", ())
        if isinstance(entrypoint, kind)
    ]


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_every_rpc_method_is_classified_exactly_once(service: type) -> None:
    methods = sorted(attr for attr, _ in entrypoints(service, Rpc))
    classified = sorted(
        m
        for table in (CITIZEN_METHODS, BACK_OFFICE_METHODS, SERVICE_METHODS)
        for m in table.get(service.name, ())  # type: ignore[attr-defined]
    )
    assert classified == methods


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_each_service_binds_exactly_the_events_it_consumes(service: type) -> None:
    consumed: dict[str, set[str]] = {}
    handlers = entrypoints(service, IntegrationEventHandler)
    for _, handler in [*handlers, *entrypoints(service, BroadcastEventHandler)]:
        consumed.setdefault(handler.source_service, set()).add(handler.event_type)  # type: ignore[attr-defined]
    row = caller(service.name)  # type: ignore[attr-defined]
    assert {source: set(types) for source, types in row.consumes.items()} == consumed


def test_no_user_may_touch_the_default_exchange_and_gateways_only_their_reply_queues() -> None:
    for name in ("portal", "back-office", "identity", "lockout", "notification", "delegation"):
        permissions = permissions_for(caller(name))
        for pattern in (permissions.configure, permissions.write, permissions.read):
            assert not re.match(pattern, "amq.default")
            assert not re.match(pattern, "")
    portal = permissions_for(caller("portal"))
    assert not re.match(portal.configure, "nameko-rpc")
    assert re.match(portal.configure, "rpc.reply-portal-0b5e")
    assert not re.match(portal.configure, "rpc.reply-identity-0b5e")
    write, read = portal.topics["nameko-rpc"]
    assert re.match(write, "identity.login") and not re.match(write, "identity.update_contacts")
    assert re.fullmatch(REPLY_KEY, "0b5e2f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
    assert not re.match(read, "identity.*")
