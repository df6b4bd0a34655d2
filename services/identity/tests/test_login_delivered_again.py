"""A login whose request is delivered again acts once (issue 18, item 2).

nameko acknowledges a request after its worker: identity killed mid-login gets the same request
again after its restart. Lockout keys the reserved check by the request, and a login that
already recorded its outcome answers it again without a second password check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import eventlet
import eventlet.event
from lockout.service import LockoutService
from nameko.standalone.rpc import ClusterRpcProxy

from shared.identifiers import parse_identifier
from shared.runtime import request_outcomes
from shared.runtime.rpc_entrypoint import Request
from shared.testing import wait_for

from .conftest import NIR, OTHER_NIR, PASSWORD

ROOT = Path(__file__).resolve().parents[3]
WRONG = "Mauvais2024Mdp"
#: a password check of a second or so: time to kill the process in the middle of it
SLOW_ARGON2 = {"ARGON2_MEMORY_KIB": "32768", "ARGON2_TIME_COST": "40"}


def start_identity(config: dict) -> subprocess.Popen:
    env = {**os.environ, **{k: str(v) for k, v in config.items()}, **SLOW_ARGON2}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *(str(ROOT / "services" / s) for s in ("identity", "lockout"))]
    )
    return subprocess.Popen(
        [sys.executable, "-m", "shared.runtime.runner", "identity"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_identity_killed_mid_login_counts_the_attempt_once(services, rpc, service_config):
    services.start(LockoutService, DATABASE_POOL_SIZE="2")
    identity = start_identity(service_config)
    proxy = ClusterRpcProxy(service_config, timeout=120)
    caller = proxy.start()
    try:
        wait_for(lambda: _answers(rpc), timeout=60, interval=0.5)
        reply = caller.identity.login.call_async(OTHER_NIR, WRONG)
        # the check is reserved on the ladder and identity is hashing: kill it there
        wait_for(lambda: rpc.lockout.status(OTHER_NIR)["attempts_left"] == 4, interval=0.01)
        identity.send_signal(signal.SIGKILL)
        identity.wait(timeout=10)
        identity = start_identity(service_config)

        answer = reply.result()  # the request, delivered again to the new process

        assert (answer["outcome"], answer["attempts_left"]) == ("invalid_credentials", 4)
        status = rpc.lockout.status(OTHER_NIR)
        assert (status["failures"], status["attempts_left"]) == (1, 4)  # not 2 and 3
    finally:
        proxy.stop()
        identity.terminate()
        identity.wait(timeout=30)


def _answers(rpc) -> bool:
    try:
        rpc.identity.check_password(PASSWORD)
        return True
    except Exception:
        return False


def test_a_login_delivered_again_answers_its_outcome_and_a_fresh_session(identity):
    identity.register_with_nir()
    app, lockout = identity.app, identity.rpc.lockout
    request = Request(id=uuid.uuid4().hex, redelivered=False)
    nir = parse_identifier(NIR)
    first = login_as_a_worker(app, lockout, nir, PASSWORD, request)

    again = login_as_a_worker(app, lockout, nir, "not even the password", redelivered(request))

    assert first["outcome"] == again["outcome"] == "ok"
    assert again["session"]["token"] != first["session"]["token"]  # none was stored
    assert identity.rpc.identity.verify_session(again["session"]["token"])["valid"] is True
    assert stored_topics(app).count("LoginSucceeded") == 1  # recorded once


def test_a_login_delivered_again_gets_a_live_session_after_the_sessions_were_once_ended(identity):
    """Given an account whose sessions a password change ended once (generation 1), when a
    successful login is delivered again, then its fresh session is of the current generation:
    valid, not ended at once by that old revocation."""
    identity.register_with_nir()
    app, lockout = identity.app, identity.rpc.lockout
    nir = parse_identifier(NIR)
    account = app.store.account_for(nir)
    app.store.save(app.store.revoke_sessions(account.id, "password_change"))
    request = Request(id=uuid.uuid4().hex, redelivered=False)
    first = login_as_a_worker(app, lockout, nir, PASSWORD, request)

    again = login_as_a_worker(app, lockout, nir, "not even the password", redelivered(request))

    assert first["outcome"] == again["outcome"] == "ok"
    for session in (first["session"], again["session"]):
        assert identity.rpc.identity.verify_session(session["token"])["valid"] is True


def redelivered(request: Request) -> Request:
    return Request(id=request.id, redelivered=True)


def login_as_a_worker(app, lockout, identifier, password: str, request: Request) -> dict:
    """What identity's login worker does: the request in scope, then the login."""
    request_outcomes.enter("identity", "login", request)
    try:
        return app.login.attempt(identifier, password, lockout, request=request)
    finally:
        request_outcomes.leave()


def stored_topics(app) -> list[str]:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return [n.topic.rsplit(".", 1)[-1] for n in notifications]


def test_a_right_password_delivered_again_while_its_first_delivery_checks_answers_its_outcome(
    identity,
):
    """Found by tests/faults (the RabbitMQ cut, the lossy network): the first delivery's consumer
    was cut, not its worker; RabbitMQ gave the request to the other replica while the first was
    still checking the password. The second answered « wrong password » to a person who knew
    it, and that answer could reach them first. Now it waits for the first's outcome."""
    identity.register_with_nir()
    app, lockout = identity.app, identity.rpc.lockout
    verify, checks = app.hasher.verify, []
    checking = eventlet.event.Event()

    def slow_verify(password_hash, password):
        checks.append(1)
        checking.send()
        eventlet.sleep(0.5)  # a check under load, while the request is delivered again
        return verify(password_hash, password)

    app.hasher.verify = slow_verify
    request = Request(id=uuid.uuid4().hex, redelivered=False)
    nir = parse_identifier(NIR)
    first = eventlet.spawn(login_as_a_worker, app, lockout, nir, PASSWORD, request)
    checking.wait()

    again = login_as_a_worker(app, lockout, nir, "not even the password", redelivered(request))

    assert first.wait()["outcome"] == again["outcome"] == "ok"
    assert checks == [1]  # the password is checked once
    assert stored_topics(app).count("LoginSucceeded") == 1
