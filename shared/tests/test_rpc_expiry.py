"""A request between services expires when its caller gives up (issue #31): a service that was
away while the request waited never runs it later, for nobody."""

from __future__ import annotations

import pytest

from shared.runtime.rpc import TimedRpcProxy
from shared.runtime.rpc_entrypoint import rpc
from shared.testing import wait_for

RAN: list[str] = []


class Target:
    name = "target"

    @rpc
    def act(self, label: str) -> str:
        RAN.append(label)
        return label


class Caller:
    name = "caller"
    target = TimedRpcProxy("target", timeout=1)

    @rpc
    def ask(self, label: str) -> str:
        return str(self.target.act(label))


def test_a_request_whose_caller_gave_up_is_never_run(services, rpc):
    RAN.clear()
    target = services.start(Target)
    services.start(Caller)
    assert rpc.caller.ask("avant") == "avant"
    services.stop(target)  # its queue stays: requests wait there

    with pytest.raises(Exception, match="RpcTimeout"):
        rpc.caller.ask("pendant")
    services.start(Target)

    assert rpc.caller.ask("après") == "après"
    wait_for(lambda: "après" in RAN)
    assert RAN == ["avant", "après"]  # « pendant » expired in the queue, unrun
