"""The Prometheus metrics of the platform (one registry per process, labelled by service).

Services count their business outcomes where they decide them::

    from shared.runtime import metrics
    metrics.LOGINS.labels(outcome="success").inc()

The process's own memory, CPU and open files come with them (:data:`PROCESS`). Gauges that
describe state (relay lag, queue depths, dead letters) are refreshed when
``/metrics`` is scraped (see :mod:`shared.runtime.observability`). No label ever holds an
identifier: only service, method and outcome names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
#: the process: process_resident_memory_bytes, process_cpu_seconds_total, process_open_fds,
#: process_max_fds, process_start_time_seconds (read from /proc at each scrape, Linux only)
PROCESS = ProcessCollector(registry=REGISTRY)

ENTRYPOINT_DURATION = Histogram(
    "caf_entrypoint_duration_seconds",
    "Duration of each entrypoint call (RPC method, event handler, timer), by outcome",
    ["service", "method", "kind", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
LOGINS = Counter(
    "caf_logins_total",
    "Login attempts by outcome (success, invalid_credentials, frozen, captcha_required, ...)",
    ["outcome"],
    registry=REGISTRY,
)
ACCOUNT_EXISTS_ANSWERS = Counter(
    "caf_account_exists_answers_total",
    "Answers that told a caller an account exists (registration with a NIR), by journey",
    ["journey"],
    registry=REGISTRY,
)
AGENT_REFUSALS = Counter(
    "caf_agent_refusals_total",
    "Back-office calls refused for their agent's access token, by reason",
    ["service", "method", "reason"],
    registry=REGISTRY,
)
AGENT_LOOKUPS = Counter(
    "caf_agent_lookups_total",
    "Agents' look-ups of a person (agent_find_account), by outcome: found, not_found, "
    "limit_reached (an agent over AGENT_LOOKUPS_PER_DAY); never the agent nor the person",
    ["service", "outcome"],
    registry=REGISTRY,
)
FREEZES = Counter(
    "caf_freezes_total",
    "Accounts frozen by the lockout ladder",
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "caf_deliveries_total",
    "Notification deliveries by channel and status (sent, failed, ...)",
    ["channel", "status"],
    registry=REGISTRY,
)
RETENTION_EXPIRED = Counter(
    "caf_retention_expired_total",
    "Personal data made unreadable by the retention job (month keys destroyed, ladders"
    " forgotten), by store and category of the retention table",
    ["store", "category"],
    registry=REGISTRY,
)
EVENTS_PUBLISHED = Counter(
    "caf_events_published_total",
    "Integration events published by the outbox relay",
    ["service"],
    registry=REGISTRY,
)
EVENTS_HANDLED = Counter(
    "caf_events_handled_total",
    "Integration events received by a consumer, by result (ok, retried, dead_lettered, contract)",
    ["service", "queue", "result"],
    registry=REGISTRY,
)
RELAY_LAG = Gauge(
    "caf_relay_lag_events",
    "Events recorded in the store and not yet published (leader replica; 0 elsewhere)",
    ["service"],
    registry=REGISTRY,
)
RELAY_OLDEST_UNPUBLISHED_AGE = Gauge(
    "caf_relay_oldest_unpublished_age_seconds",
    "Age of the oldest event recorded and not yet published, read from the store (every"
    " replica; 0 when everything is published)",
    ["service"],
    registry=REGISTRY,
)
RELAY_LEADER_PRESENT = Gauge(
    "caf_relay_leader_present",
    "1 when this replica leads the outbox relay or saw another replica hold its lock lately",
    ["service"],
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "caf_queue_depth_messages",
    "Messages waiting in a consumer queue (consumer lag)",
    ["service", "queue"],
    registry=REGISTRY,
)
DEAD_LETTERS = Gauge(
    "caf_dead_letters_messages",
    "Messages in a consumer's dead-letter queue",
    ["service", "queue"],
    registry=REGISTRY,
)
READY = Gauge(
    "caf_ready",
    "1 when the last readiness check passed",
    ["service"],
    registry=REGISTRY,
)
