"""Domain event -> integration event: what the outbox relay publishes (shared/events).

Only pseudonyms, ids and sealed blobs leave the service. A sealed blob whose subject was erased
reads back as ``None`` (crypto-shredding): the event is still published, without it. Decoy code
sends (no code, nothing to deliver) and internal events publish nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.runtime.personal_data import PersonalData

Translated = tuple[str, dict[str, Any]] | None


def _opened(value: PersonalData | None) -> Any:
    return None if value is None or value.erased else value.value


def _pseudonym(value: PersonalData | str | None) -> Any:
    """A pseudonym kept plain (older events) or under a month key (it may have expired)."""
    return _opened(value) if isinstance(value, PersonalData) else value


def _account_created(e: Any) -> Translated:
    return "AccountCreated", {
        "account_id": str(e.originator_id),
        "identifier_kind": e.identifier_kind,
        "identifier_key": e.identifier_key,
        "nir_key": e.nir_key,
        "supporting_documents_required": e.supporting_documents_required,
        "benefit_request": e.benefit_request,
        "sealed_contact": _opened(e.sealed_contact),
    }


def _code_issued(e: Any) -> Translated:
    if e.code_hash is None:  # decoy flow: nothing to send
        return None
    return "VerificationCodeIssued", {
        "flow_id": str(e.originator_id),
        "purpose": e.purpose,
        "account_id": str(e.account_id) if e.account_id else None,
        "channel": e.channel,
        "expires_at": e.expires_at.isoformat(),
        "sealed": _opened(e.sealed),
    }


def _provisional_identifier_sent(e: Any) -> Translated:
    return "ProvisionalIdentifierIssued", {
        "account_id": str(e.originator_id),
        "reason": e.reason,
        "channel": e.channel,
        "sealed": _opened(e.sealed),
    }


def _password_changed(e: Any) -> Translated:
    return "PasswordChanged", {
        "account_id": str(e.originator_id),
        "identifier_key": e.identifier_key,
        "reason": e.reason,
    }


def _nir_assigned(e: Any) -> Translated:
    return "NirAssigned", {
        "account_id": str(e.originator_id),
        "previous_identifier_key": e.previous_identifier_key,
        "identifier_key": e.identifier_key,
        "nir_key": e.nir_key,
        "operator": e.operator,
    }


def _contacts_updated(e: Any) -> Translated:
    return "ContactsUpdated", {
        "account_id": str(e.originator_id),
        "sealed_contact": _opened(e.sealed_contact),
        "operator": e.operator,
    }


def _login_succeeded(e: Any) -> Translated:
    return "LoginSucceeded", {
        "account_id": str(e.originator_id),
        "identifier_key": e.identifier_key,
        "auth_method": e.method,
        "source_key": _pseudonym(e.source_key),
    }


def public_reason(reason: str) -> str:
    """LoginFailed v1's reasons. A checked failure that froze the account is published as the
    checked failure it is; lockout publishes the freeze itself (AccountFrozen)."""
    return "invalid_credentials" if reason == "invalid_credentials_froze" else reason


def _login_failed(e: Any) -> Translated:
    return "LoginFailed", {
        "identifier_key": e.identifier_key,
        "account_id": str(e.originator_id),
        "reason": public_reason(e.reason),
        "source_key": _pseudonym(e.source_key),
    }


def _unattributed_login_failed(e: Any) -> Translated:
    return "LoginFailed", {
        "identifier_key": e.identifier_key,
        "account_id": None,
        "reason": public_reason(e.reason),
        "source_key": _pseudonym(e.source_key),
    }


def _refused_login(e: Any) -> Translated:
    return "LoginFailed", {
        "identifier_key": e.identifier_key,
        "account_id": str(e.account_id),
        "reason": e.reason,
        "source_key": _pseudonym(e.source_key),
    }


# Keyed by the event class's qualified name (the classes are made by eventsourcing's @event).
TRANSLATIONS: dict[str, Callable[[Any], Translated]] = {
    "Account.Registered": _account_created,
    "Account.ProvisionalIdentifierSent": _provisional_identifier_sent,
    "Account.PasswordChanged": _password_changed,
    "Account.NirAssigned": _nir_assigned,
    "Account.ContactsUpdated": _contacts_updated,
    "Account.LoginSucceeded": _login_succeeded,
    "Account.LoginFailed": _login_failed,
    "CodeFlow.CodeIssued": _code_issued,
    "UnattributedLoginFailure.Recorded": _unattributed_login_failed,
    "RefusedLoginAttempt.Recorded": _refused_login,
}
MODULES = ("identity.domain", "identity.code_flow", "identity.login_records")


def integration_event(domain_event: Any) -> Translated:
    """``integration_event(account_registered)`` -> ``("AccountCreated", {...})`` or None."""
    event_class = type(domain_event)
    if event_class.__module__ not in MODULES:
        return None
    translate = TRANSLATIONS.get(event_class.__qualname__)
    return translate(domain_event) if translate else None
