"""RabbitMQ publisher confirms for a whole batch: publish many messages, then wait once.

py-amqp's ``confirm_publish`` option waits for the broker's ack after every message, one round
trip each. Here the channel enters confirm mode once (``confirm.select``); from then on the
broker numbers the messages published on it 1, 2, 3… (delivery tags) and acks them, several at
once when ``multiple`` is set, not necessarily in order. A batch is safe once every tag it used
is acked; a nack, a returned message, a lost connection or silence past the timeout means it is
not, and the caller must publish it again.
"""

from __future__ import annotations

import time
from typing import Any, cast

from kombu import Connection


class UnconfirmedPublish(Exception):
    """The broker refused a message of the batch, or did not confirm it in time."""


class ConfirmedChannel:
    """A connection's channel in confirm mode; ``wait_for_confirms`` closes a batch.

    After a failure the channel's tags no longer say what was confirmed: drop the connection.

    >>> confirms = ConfirmedChannel(connection, timeout_s=10.0)   # doctest: +SKIP
    >>> Producer(confirms.channel).publish(body, exchange=exchange)   # doctest: +SKIP
    >>> confirms.published()                                      # doctest: +SKIP
    >>> confirms.wait_for_confirms()                              # doctest: +SKIP
    """

    def __init__(self, connection: Connection, timeout_s: float = 10.0):
        self.connection = connection
        self.timeout_s = timeout_s
        # py-amqp's Channel (confirm_select, events); kombu types it as its generic one.
        self.channel: Any = cast(Any, connection.default_channel)
        self.channel.confirm_select()
        self.channel.events["basic_ack"].add(self._on_ack)
        self.channel.events["basic_nack"].add(self._on_nack)
        self.channel.events["basic_return"].add(self._on_return)
        self._last_tag = 0
        self._unconfirmed: set[int] = set()
        self._refusal: str | None = None

    def published(self) -> None:
        """Counts one ``basic.publish`` on :attr:`channel` (the broker gives it the next tag)."""
        self._last_tag += 1
        self._unconfirmed.add(self._last_tag)

    def wait_for_confirms(self) -> None:
        """Returns once the broker has acked everything published; raises
        :class:`UnconfirmedPublish` on a nack, a return or the timeout (and the connection's
        own errors when it breaks)."""
        deadline = time.monotonic() + self.timeout_s
        while self._unconfirmed and self._refusal is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise UnconfirmedPublish(
                    f"{len(self._unconfirmed)} messages not confirmed within {self.timeout_s}s"
                )
            try:
                self.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue  # the deadline above decides
        if self._refusal is not None:
            raise UnconfirmedPublish(self._refusal)

    def _settle(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed = {tag for tag in self._unconfirmed if tag > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)
        self._refusal = f"the broker refused message {delivery_tag} (multiple={multiple})"

    def _on_return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        # The broker returns a mandatory message it could not route, then acks it.
        self._refusal = f"returned by {exchange or 'the default exchange'} ({routing_key}): {exc}"
