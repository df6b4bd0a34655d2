"""Domain event -> integration event: what the outbox relay publishes (shared/events).

Only pseudonyms, ids and sealed blobs leave the service. A sealed blob whose subject was erased
reads back as ``None`` (crypto-shredding): the event is still published, without it. Decoy code
sends (no code, nothing to deliver) and internal events publish nothing.

>>> integration_event(account_registered)   # doctest: +SKIP
("AccountCreated", {"account_id": "…", "identifier_kind": "nir", …})
"""

from __future__ import annotations

from typing import Any

from shared.runtime.integration_events import IntegrationEvents, Translated
from shared.runtime.personal_data import PersonalData

from .domain import (
    Account,
    CodeFlow,
    FranceConnectLink,
    RefusedLoginAttempt,
    UnattributedLoginFailure,
)
from .provider.backchannel import BackchannelLogout
from .provider.families import TokenFamily
from .provider.records import ClientGrant

TRANSLATIONS = IntegrationEvents()
on = TRANSLATIONS.on


def integration_event(domain_event: Any) -> Translated:
    """``integration_event(account_registered)`` -> ``("AccountCreated", {...})`` or None."""
    return TRANSLATIONS.translate(domain_event)


def _opened(value: PersonalData | None) -> Any:
    return None if value is None or value.erased else value.value


def _pseudonym(value: PersonalData | str | None) -> Any:
    """A pseudonym kept plain (older events) or under a month key (it may have expired)."""
    return _opened(value) if isinstance(value, PersonalData) else value


@on(Account.Registered)  # type: ignore[attr-defined]
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


@on(CodeFlow.CodeIssued)  # type: ignore[attr-defined]
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


@on(CodeFlow.Abandoned)  # type: ignore[attr-defined]
def _registration_abandoned(e: Any) -> Translated:
    return "RegistrationAbandoned", {"registration_id": str(e.originator_id), "step": e.step}


@on(Account.ProvisionalIdentifierSent)  # type: ignore[attr-defined]
def _provisional_identifier_sent(e: Any) -> Translated:
    return "ProvisionalIdentifierIssued", {
        "account_id": str(e.originator_id),
        "reason": e.reason,
        "channel": e.channel,
        "sealed": _opened(e.sealed),
    }


@on(Account.PasswordChanged)  # type: ignore[attr-defined]
def _password_changed(e: Any) -> Translated:
    return "PasswordChanged", {
        "account_id": str(e.originator_id),
        "identifier_key": e.identifier_key,
        "reason": e.reason,
    }


@on(Account.NirAssigned)  # type: ignore[attr-defined]
def _nir_assigned(e: Any) -> Translated:
    return "NirAssigned", {
        "account_id": str(e.originator_id),
        "previous_identifier_key": e.previous_identifier_key,
        "identifier_key": e.identifier_key,
        "nir_key": e.nir_key,
        "operator": e.operator,
    }


@on(Account.ContactsUpdated)  # type: ignore[attr-defined]
def _contacts_updated(e: Any) -> Translated:
    return "ContactsUpdated", {
        "account_id": str(e.originator_id),
        "sealed_contact": _opened(e.sealed_contact),
        "operator": e.operator,
    }


@on(Account.LoginSucceeded)  # type: ignore[attr-defined]
def _login_succeeded(e: Any) -> Translated:
    return "LoginSucceeded", {
        "account_id": str(e.originator_id),
        "identifier_key": e.identifier_key,
        "auth_method": e.method,
        "source_key": _pseudonym(e.source_key),
        "reservation_id": getattr(e, "reservation_id", None),
    }


def public_reason(reason: str) -> str:
    """LoginFailed v1's reasons. A checked failure that froze the account is published as the
    checked failure it is; lockout publishes the freeze itself (AccountFrozen)."""
    return "invalid_credentials" if reason == "invalid_credentials_froze" else reason


@on(Account.LoginFailed)  # type: ignore[attr-defined]
def _login_failed(e: Any) -> Translated:
    return "LoginFailed", {
        "identifier_key": e.identifier_key,
        "account_id": str(e.originator_id),
        "reason": public_reason(e.reason),
        "source_key": _pseudonym(e.source_key),
        "reservation_id": getattr(e, "reservation_id", None),
    }


@on(UnattributedLoginFailure.Recorded)  # type: ignore[attr-defined]
def _unattributed_login_failed(e: Any) -> Translated:
    return "LoginFailed", {
        "identifier_key": e.identifier_key,
        "account_id": None,
        "reason": public_reason(e.reason),
        "source_key": _pseudonym(e.source_key),
    }


@on(RefusedLoginAttempt.Recorded)  # type: ignore[attr-defined]
def _refused_login(e: Any) -> Translated:
    return "LoginFailed", {
        "identifier_key": e.identifier_key,
        "account_id": str(e.account_id),
        "reason": e.reason,
        "source_key": _pseudonym(e.source_key),
        "reservation_id": getattr(e, "reservation_id", None),
    }


@on(FranceConnectLink.Linked)  # type: ignore[attr-defined]
def _franceconnect_linked(e: Any) -> Translated:
    """The other FranceConnect records publish nothing (the login itself is LoginSucceeded)."""
    return "FranceConnectLinked", {"account_id": str(e.account_id)}


# -- Caf connect (issue #34): an application authorized, logged in to, its tokens ended --------


@on(ClientGrant.Granted)  # type: ignore[attr-defined]
def _application_authorized(e: Any) -> Translated:
    return "ApplicationAuthorized", {
        "account_id": str(e.account_id),
        "client_id": e.client_id,
        "scopes": list(e.scopes),
        "consented": e.consented,
    }


@on(ClientGrant.Widened)  # type: ignore[attr-defined]
def _application_authorization_widened(e: Any) -> Translated:
    account_id = getattr(e, "account_id", None)
    if account_id is None:  # recorded before it was published: it stays unpublished
        return None
    return "ApplicationAuthorizationWidened", {
        "account_id": account_id,
        "client_id": e.client_id,
        "scopes": list(e.allowed),
        "added": list(e.added),
        "consented": e.consented,
    }


@on(TokenFamily.Started)  # type: ignore[attr-defined]
def _application_tokens_issued(e: Any) -> Translated:
    return "ApplicationTokensIssued", {
        "account_id": str(e.session["account_id"]),
        "client_id": e.client_id,
        "family_id": str(e.originator_id),
        "session_id": e.session["session_id"],
        "scopes": list(e.scopes),
        "refresh_token": e.refresh_digest is not None,
    }


@on(TokenFamily.ReuseDetected)  # type: ignore[attr-defined]
def _refresh_token_reused(e: Any) -> Translated:
    return "RefreshTokenReused", {
        "account_id": e.account_id, "client_id": e.client_id, "family_id": str(e.originator_id),
    }  # fmt: skip


@on(TokenFamily.Ended)  # type: ignore[attr-defined]
def _application_tokens_ended(e: Any) -> Translated:
    return "ApplicationTokensEnded", {
        "account_id": e.account_id, "client_id": e.client_id, "family_id": str(e.originator_id),
        "reason": e.reason,
    }  # fmt: skip


@on(BackchannelLogout.Due)  # type: ignore[attr-defined]
def _backchannel_logout_due(e: Any) -> Translated:
    """The delivery (``Delivered``) publishes nothing: the sender recorded it itself."""
    return "BackchannelLogoutDue", {
        "logout_id": str(e.originator_id), "account_id": e.account_id, "client_id": e.client_id,
        "session_id": e.session_id, "cause": e.cause,
    }  # fmt: skip
