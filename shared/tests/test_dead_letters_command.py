"""`make dead-letters` on a broker where no consumer has ever failed: a clear "none", no trace."""

from __future__ import annotations

from shared.runtime import dead_letters
from shared.runtime.dead_letters import peek, replay


def test_given_no_consumer_ran_when_listing_then_it_says_none(amqp_vhost, monkeypatch, capsys):
    monkeypatch.setenv("AMQP_URI", amqp_vhost.uri)

    dead_letters.main(["list", "lockout"])

    assert capsys.readouterr().out.startswith("none: no dead letter in the ")


def test_given_a_queue_never_declared_then_it_has_no_letters_to_show_or_replay(amqp_vhost):
    assert peek(amqp_vhost.uri, "evt-nowhere-Nothing--nobody.handler") == []
    assert replay(amqp_vhost.uri, "evt-nowhere-Nothing--nobody.handler") == 0
