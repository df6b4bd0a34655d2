"""Stored topics are contracts: an aggregate moved or renamed keeps reading its history.

eventsourcing names each stored event by the module and class that wrote it
(``identity.domain:Account.Registered``). When a class moves, :func:`pin_topics` registers its
old name, and the old names of the events nested in it, so that the stores, the relay and the
audit still read what was written under them; new events are written under the new name.

>>> pin_topics("identity.indexes:IdentifierIndex", IdentifierIndex)   # doctest: +SKIP

A changed event keeps its class and says so with ``class_version`` and ``upcast_vN_vM``
(eventsourcing's upcasting); ``tests/stored_events`` reads a store written by older code.
"""

from __future__ import annotations

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic, register_topic


def pin_topics(old_topic: str, cls: type) -> None:
    """Makes ``old_topic`` (``"module:Class"``) and ``old_topic + ".Event"`` for each event
    class of ``cls`` resolve to ``cls`` and its event classes."""
    register_topic(old_topic, cls)
    for name in dir(cls):
        value = getattr(cls, name)
        if isinstance(value, type) and issubclass(value, DomainEvent):
            register_topic(f"{old_topic}.{name}", value)


def topics_of(cls: type) -> list[str]:
    """The topics ``cls`` and its event classes are written under today."""
    names = [get_topic(cls)]
    for name in sorted(dir(cls)):
        value = getattr(cls, name)
        if isinstance(value, type) and issubclass(value, DomainEvent):
            names.append(get_topic(value))
    return names
