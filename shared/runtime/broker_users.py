"""Who may do what on RabbitMQ (SPEC §16): one user per caller, its permissions from this table.

Each caller (the citizen portal's gateway, the back-office gateway, each service) connects as its
own RabbitMQ user. Its permissions follow from the methods it calls and the events it consumes:

- RPC: *write* on ``nameko-rpc`` with a topic permission listing the ``service.method`` routing
  keys it may call (a service also writes the reply keys, uuids); ``nameko-rpc`` is declared
  passively by callers (:class:`shared.runtime.rpc.CallerRpcProxy`, ``TimedRpcProxy``), so a
  gateway has no *configure* on it and cannot delete or redeclare it;
- *configure* and *read* only on its own queues (``rpc.reply-<caller>-<uuid>``; for a service also
  ``rpc-<service>`` and its event queues) and the reply keys (uuids) as topic *read* on
  ``nameko-rpc``, so it cannot bind a queue to ``identity.*``;
- no permission at all on the default exchange (``amq.default``): publishing there with routing
  key ``rpc-identity`` would reach identity's queue past the topic permissions.

>>> permissions_for(caller("portal")).configure
'^(rpc\\\\.reply-portal-.*)$'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

RPC_EXCHANGE = "nameko-rpc"
#: nameko's reply routing keys: one uuid4 per reply queue.
REPLY_KEY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

#: Methods meant for agents (back office): no citizen gateway may call them.
BACK_OFFICE_METHODS: Mapping[str, tuple[str, ...]] = {
    "identity": (
        "assign_nir",
        "update_contacts",
        "agent_find_account",
        "agent_end_sessions",
        "agent_send_code_by_letter",
    ),
    "lockout": ("lift_freeze", "agent_freeze_status"),
    "delegation": ("register_household", "update_household", "agent_household_view"),
}

#: Methods a citizen gateway (the portal, the mobile back end) calls for the person.
CITIZEN_METHODS: Mapping[str, tuple[str, ...]] = {
    "identity": (
        "check_password",
        "login",
        "start_registration",
        "send_registration_code",
        "verify_registration_code",
        "complete_registration",
        "abandon_registration",
        "start_password_reset",
        "send_password_reset_code",
        "verify_password_reset_code",
        "complete_password_reset",
        "start_identifier_recovery",
        "send_identifier_recovery_code",
        "complete_identifier_recovery",
        "session_keys",
        "verify_session",
        "logout",
        "refresh_session",
        "logout_everywhere",
        "change_password",
        "start_contact_change",
        "confirm_contact_change",
        "account_summary",
        "connection_history",
        "franceconnect_start",
        "franceconnect_callback",
        "franceconnect_logout",
        "oidc_authorize",
        "oidc_redeem_code",
        "oidc_note_assertion",
        "oidc_userinfo",
        "oidc_start_family",
        "oidc_refresh",
        "oidc_token_status",
        "oidc_revoke",
    ),
    "lockout": ("new_captcha", "new_audio_captcha", "status"),
    "delegation": (
        "household",
        "delegation_prompt",
        "answer_delegation_prompt",
        "set_delegation",
        "delegation_status",
        "household_role",
        "declare_separation",
        "authorize",
    ),
    "notification": ("deliveries",),
}

#: Methods only another service calls (identity asks lockout to count a login attempt; Caf
#: connect's back-channel logout sender asks identity what to sign and records the delivery).
SERVICE_METHODS: Mapping[str, tuple[str, ...]] = {
    "lockout": ("reserve_attempt", "report_attempt", "check_captcha", "note_lookup"),
    "identity": ("oidc_backchannel_logout", "oidc_logout_delivered"),
}

#: What an agent's gateway reads besides the back-office methods.
BACK_OFFICE_READS: Mapping[str, tuple[str, ...]] = {
    "lockout": ("status",),
    "delegation": ("household",),
    "notification": ("deliveries",),
}


@dataclass(frozen=True)
class Caller:
    """A RabbitMQ user's role: the RPC methods it calls, the events it consumes (then it owns
    its event queues and ``<name>.redeliveries``), and whether it is a nameko service (then it
    also owns ``rpc-<name>`` and publishes to ``<name>.events``)."""

    name: str
    calls: Mapping[str, tuple[str, ...]]
    consumes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    serves: bool = False


@dataclass(frozen=True)
class Permissions:
    """RabbitMQ's three regular expressions, and topic permissions per exchange."""

    configure: str
    write: str
    read: str
    topics: Mapping[str, tuple[str, str]]  # exchange -> (write, read)


def _merge(*tables: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, tuple[str, ...]] = {}
    for table in tables:
        for service, methods in table.items():
            merged[service] = (*merged.get(service, ()), *methods)
    return merged


CALLERS: tuple[Caller, ...] = (
    Caller("portal", CITIZEN_METHODS),
    Caller("back-office", _merge(BACK_OFFICE_METHODS, BACK_OFFICE_READS)),
    Caller(
        "identity",
        {"lockout": SERVICE_METHODS["lockout"]},
        # an agent's lift of a freeze or filing of a household shows in « Mon historique »
        # (issue #35); each replica's freeze cache (identity/freeze_cache.py, issue #28)
        consumes={
            "lockout": ("AccountFrozen", "AccountUnfrozen"),
            "delegation": ("HouseholdFiledByAgent",),
        },
        serves=True,
    ),
    Caller(
        "lockout",
        {},
        # LoginSucceeded / LoginFailed settle a login's check on its ladder (issue #28)
        consumes={"identity": ("LoginFailed", "LoginSucceeded", "NirAssigned", "PasswordChanged")},
        serves=True,
    ),
    Caller(
        "notification",
        {},
        consumes={
            "identity": (
                "AccountCreated",
                "ContactsUpdated",
                "NirAssigned",
                "PasswordChanged",
                "ProvisionalIdentifierIssued",
                "VerificationCodeIssued",
            ),
            "lockout": ("AccountFrozen",),
            "delegation": ("DelegationGranted", "DelegationRevoked"),
        },
        serves=True,
    ),
    Caller("delegation", {}, consumes={"identity": ("AccountCreated", "NirAssigned")}, serves=True),
    # Caf connect's back-channel logout sender (gateway/oidc/backchannel.py, issue #34): a
    # consumer with no RPC nor events of its own, owning only its event queues and redeliveries
    Caller(
        "backchannel",
        {"identity": SERVICE_METHODS["identity"]},
        consumes={"identity": ("BackchannelLogoutDue",)},
    ),
)


def caller(name: str) -> Caller:
    """The table's row for ``name`` (``portal``, ``back-office``, ``identity``…)."""
    for row in CALLERS:
        if row.name == name:
            return row
    raise KeyError(name)


def _lit(name: str) -> str:
    """A name as a literal in a RabbitMQ (PCRE) pattern: our names hold only ``[a-z_.*-]``."""
    return name.replace(".", r"\.").replace("*", r"\*")


def _any(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


def permissions_for(row: Caller) -> Permissions:
    """The permissions of ``row``'s user, as RabbitMQ's ``set_permissions`` and
    ``set_topic_permissions`` take them."""
    me = _lit(row.name)
    queues = [rf"rpc\.reply-{me}-.*"]
    published: list[str] = []  # the exchange of its own events
    if row.serves:
        queues.append(_lit(f"rpc-{row.name}"))
        published.append(_lit(f"{row.name}.events"))
    redeliveries: list[str] = []
    if row.serves or row.consumes:  # its event handlers' queues, their retries and dead letters
        queues.append(rf"evt-.*--{me}\..*")
        redeliveries.append(_lit(f"{row.name}.redeliveries"))
    exchanges = [*published, *redeliveries]
    sources = [_lit(f"{source}.events") for source in sorted(row.consumes)]
    rpc = _lit(RPC_EXCHANGE)
    # A service's RPC entrypoint (nameko's RpcConsumer) still declares nameko-rpc actively, and
    # nameko's event handler the source's events exchange: they need configure on them.
    configure = [*queues, *exchanges, *([rpc] if row.serves else []), *sources]
    calls = [
        rf"{_lit(service)}\.({'|'.join(_lit(m) for m in methods)})"
        for service, methods in sorted(row.calls.items())
    ]
    topic_write = [*calls, *([REPLY_KEY] if row.serves else [])]
    topic_read = [*([_lit(f"{row.name}.*")] if row.serves else []), REPLY_KEY]
    topics: dict[str, tuple[str, str]] = {RPC_EXCHANGE: (_any(*topic_write), _any(*topic_read))}
    for source, event_types in sorted(row.consumes.items()):
        topics[f"{source}.events"] = ("^$", _any(*(_lit(t) for t in event_types)))
    if row.serves:
        topics[f"{row.name}.events"] = ("^[A-Z][A-Za-z]*$", "^$")
    return Permissions(
        configure=_any(*configure),
        write=_any(*([rpc] if topic_write else []), *queues, *exchanges),
        read=_any(rpc, *queues, *redeliveries, *sources),
        topics=topics,
    )
