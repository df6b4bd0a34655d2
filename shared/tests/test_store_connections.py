"""Store connections sized by need, and the store behind a real PgBouncer in transaction mode."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import eventlet
import psycopg
import pytest

from shared.runtime.pg_pool import RECONNECT_MAX_DELAY_S
from shared.testing import application_of, relay_of, wait_for
from shared.testing.fault_proxy import FaultProxies
from shared.testing.pgbouncer import PgBouncer, available
from shared.tests.example_services import ExampleConsumerService, ExampleService


def connections_to(database_url: str) -> int:
    """Sessions open on the test database, other than the one asking."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0


def test_an_idle_service_holds_its_minimum_and_the_relays_two(services, service_config):
    replica = services.start(
        ExampleService, DATABASE_POOL_MIN="1", DATABASE_POOL_SIZE="10", DATABASE_POOL_IDLE_S="1"
    )
    wait_for(relay_of(replica).leader_present)
    # the pool's minimum, the relay's leader lock and its LISTEN (before: the pool's maximum)
    wait_for(lambda: connections_to(service_config["DATABASE_URL"]) <= 3, timeout=15)


def test_a_burst_grows_the_pool_up_to_its_size_and_idleness_shrinks_it(
    services, rpc_clients, service_config
):
    replica = services.start(
        ExampleService, DATABASE_POOL_MIN="1", DATABASE_POOL_SIZE="4", DATABASE_POOL_IDLE_S="1"
    )
    pool = application_of(replica).factory.datastore.pool
    clients = rpc_clients(8)
    pile = eventlet.GreenPile()
    for n, client in enumerate(clients):
        pile.spawn(client.example.register, {"label": f"colis {n}", "weight_g": 100})
    assert len(list(pile)) == 8
    assert (pool.min_size, pool.max_size) == (1, 4)
    assert pool.get_stats()["connections_num"] > 1  # grew for the burst
    wait_for(lambda: pool.get_stats()["pool_size"] == 1, timeout=15)  # and shrank back


#: the store is away longer than psycopg_pool's own waits add up to (1 + 2 + 4 + 8 s): its next
#: attempt would come 16 s after the previous one, about 10 s after the store's return
OUTAGE_S = 20
#: how soon after the store's return the pool serves again (its capped wait, and a margin)
BACK_WITHIN_S = RECONNECT_MAX_DELAY_S + 2


def answers(pool) -> bool:
    try:
        with pool.connection(timeout=0.5) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:  # psycopg_pool's PoolTimeout among them
        return False


def test_a_replica_serves_again_within_seconds_of_its_stores_return_after_a_long_outage(
    services, service_config
):
    server = urlparse(service_config["DATABASE_URL"])
    with FaultProxies() as proxies:
        store = proxies.listen("pg", server.hostname or "127.0.0.1", server.port or 5432)
        proxied = server._replace(netloc=f"{server.username or 'postgres'}@127.0.0.1:{store.port}")
        replica = services.start(
            ExampleService,
            DATABASE_URL=proxied.geturl(),
            DATABASE_POOL_MIN="1",
            DATABASE_POOL_SIZE="1",  # no growing around the reconnection: it alone serves
        )
        pool = application_of(replica).factory.datastore.pool
        wait_for(lambda: answers(pool), timeout=10)

        # Given the store cut for longer than the pool's first waits add up to
        store.cut()
        wait_for(lambda: not answers(pool), timeout=5)  # the pool has met the cut
        time.sleep(OUTAGE_S)
        assert not answers(pool)

        # When it returns, then the pool serves again within its capped wait
        store.heal()
        healed_at = time.monotonic()
        wait_for(lambda: answers(pool), timeout=30)
        back_after_s = time.monotonic() - healed_at
        assert back_after_s < BACK_WITHIN_S, f"served again {back_after_s:.1f} s after the heal"


def register_five(client, first: int) -> int:
    for n in range(first, first + 5):
        client.example.register({"label": f"colis {n}", "weight_g": 100 + n})
    return 5


@pytest.mark.skipif(not available(), reason="pgbouncer is not installed (scripts/infra-up.sh)")
def test_the_store_works_through_pgbouncer_in_transaction_mode(
    services, rpc, rpc_clients, service_config, pg_database
):
    server = urlparse(pg_database.url)
    database = server.path.lstrip("/")
    upstream = (server.hostname or "127.0.0.1", server.port or 5432, server.username or "postgres")
    with PgBouncer(*upstream, pool_size=2) as bouncer:
        services.start(ExampleConsumerService)
        producer = services.start(
            ExampleService, DATABASE_POOL_URL=bouncer.url(database), DATABASE_POOL_SIZE="4"
        )
        pile = eventlet.GreenPile()
        for first, client in zip(range(0, 30, 5), rpc_clients(6), strict=True):
            pile.spawn(register_five, client, first)  # concurrent writers
        assert sum(pile) == 30

        assert rpc.example.parcel_count() == 30
        # published by the relay, whose lock and LISTEN are on DATABASE_URL, and consumed
        wait_for(lambda: len(rpc.example_consumer.receipts()) == 30, timeout=30)
        assert bouncer.stats(database)["total_xact_count"] >= 30
        assert relay_of(producer).is_leader
    # The session timeout PgBouncer cannot carry per session is on the role instead.
    with psycopg.connect(service_config["DATABASE_URL"]) as conn:
        row = conn.execute("SHOW idle_in_transaction_session_timeout").fetchone()
    assert row == ("5s",)
