"""One registry per service: which domain event publishes which integration event.

The outbox relay asks the application for the integration event of each stored event
(``ServiceApplication.integration_event``); a service declares its translations once, keyed by
the domain event class (not its module path, which may move: see ``topics.py``):

>>> translations = IntegrationEvents()
>>> @translations.on(Account.PasswordChanged)                     # doctest: +SKIP
... def password_changed(e):
...     return "PasswordChanged", {"account_id": str(e.originator_id), "reason": e.reason}

A translation may return None (nothing to publish for this occurrence, e.g. a decoy); an event
class with no translation publishes nothing. At most one integration event per domain event: its
position is its identity for consumers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translated = tuple[str, dict[str, Any]] | None
Translation = Callable[[Any], Translated]


class IntegrationEvents:
    def __init__(self) -> None:
        self._translations: dict[type, Translation] = {}

    def on(self, *event_classes: Any) -> Callable[[Translation], Translation]:
        """Decorator: ``translation`` publishes each of ``event_classes``."""

        def register(translation: Translation) -> Translation:
            for event_class in event_classes:
                if event_class in self._translations:
                    raise ValueError(f"{event_class.__qualname__} already has a translation")
                self._translations[event_class] = translation
            return translation

        return register

    def translate(self, domain_event: Any) -> Translated:
        """``("AccountCreated", {...})``, or None when the event publishes nothing."""
        translation = self._translations.get(type(domain_event))
        return translation(domain_event) if translation else None

    @property
    def event_classes(self) -> list[type]:
        """The domain event classes that may publish (for tests and docs)."""
        return list(self._translations)
