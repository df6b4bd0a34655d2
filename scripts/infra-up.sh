#!/usr/bin/env bash
# Makes sure the local PostgreSQL and RabbitMQ (with its management plugin, used by the tests to
# create one vhost per test) are running. For development machines and CI; production runs them
# with their Kubernetes operators (deploy/k8s).
set -euo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
rabbit_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if ! pg_up; then
  echo "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL is not running on 127.0.0.1:5432 and could not be started" >&2; exit 1; }
fi

if ! rabbit_up; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached || true
  for _ in $(seq 1 60); do rabbit_up && break; sleep 1; done
  rabbit_up || { echo "RabbitMQ is not running on 127.0.0.1:5672 and could not be started" >&2; exit 1; }
fi

if command -v rabbitmq-plugins >/dev/null; then
  if ! curl -sf -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1; then
    rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do
      curl -sf -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1 && break; sleep 1
    done
  fi
fi
# PgBouncer: the store's tests behind a pooler start their own (shared/testing/pgbouncer.py).
if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ] && command -v apt-get >/dev/null; then
  echo "installing pgbouncer (tests of the store behind a pooler)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null 2>&1; } \
    || echo "pgbouncer could not be installed: its test will be skipped" >&2
fi
# promtool: the alert rules' checks and unit tests (tests/operations/test_alert_rules_behaviour.py).
bash scripts/promtool.sh >/dev/null || echo "promtool could not be unpacked: the alert rules' tests will fail" >&2
echo "PostgreSQL and RabbitMQ are up"
