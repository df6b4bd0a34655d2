"""The orjson-decoding transcoder reads back exactly what eventsourcing's JSON transcoder reads
(same bytes on disk, same objects out), including what only ``json`` can parse."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)

from shared.runtime.transcoder import FastJSONTranscoder


class Envelope:
    """A type whose transcoding nests other transcoded values."""

    def __init__(self, sent_at: datetime, parts: list[Any]):
        self.sent_at = sent_at
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Envelope) and vars(self) == vars(other)


class EnvelopeAsDict(Transcoding):
    type = Envelope
    name = "envelope"

    def encode(self, obj: Envelope) -> dict[str, Any]:
        return {"sent_at": obj.sent_at, "parts": obj.parts}

    def decode(self, data: dict[str, Any]) -> Envelope:
        return Envelope(data["sent_at"], data["parts"])


def transcoders() -> tuple[JSONTranscoder, FastJSONTranscoder]:
    pair = (JSONTranscoder(), FastJSONTranscoder())
    for transcoder in pair:
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), EnvelopeAsDict()):
            transcoder.register(transcoding)
    return pair


WHEN = datetime(2024, 3, 8, 9, 30, tzinfo=UTC)
CASES = [
    {"originator_topic": "identity.domain:Account", "amount": 3, "ratio": 0.1},
    {"id": uuid.UUID(int=7), "at": WHEN, "amount": Decimal("12.50")},
    {"nested": [{"id": uuid.UUID(int=1)}, [WHEN, {"deep": [uuid.UUID(int=2)]}]], "empty": {}},
    {"envelope": Envelope(WHEN, [uuid.UUID(int=3), {"at": WHEN}, Envelope(WHEN, [])])},
    {"_type_": "not a transcoding", "_data_": 1, "third": True},  # three keys: a plain dict
    {"text": "Prénom : Élodie — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "none": None, "flags": [True, False]},
    {"big": 2**70, "negative_big": -(2**65)},  # beyond 64 bits: json reads them
    {"not_a_number": math.inf},  # json writes Infinity, which orjson refuses
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_decodes_as_eventsourcings_transcoder_does(value):
    reference, fast = transcoders()
    stored = reference.encode(value)
    assert fast.encode(value) == stored  # nothing changes on disk
    assert fast.decode(stored) == reference.decode(stored) == value


def test_an_unknown_transcoding_name_is_refused_as_before():
    reference, fast = transcoders()
    stored = b'{"x":{"_type_":"no_such_type","_data_":1}}'
    with pytest.raises(TypeError, match="no_such_type"):
        reference.decode(stored)
    with pytest.raises(TypeError, match="no_such_type"):
        fast.decode(stored)


def test_stores_decode_with_it(services):
    from shared.testing import application_of
    from shared.tests.example_services import ExampleService

    app = application_of(services.start(ExampleService, RELAY_ENABLED="false"))
    assert isinstance(app.mapper.transcoder, FastJSONTranscoder)
