"""Who is calling: bearer API tokens per employee, password hashes, and the FastAPI dependencies
(`SessionDep`: one transaction per request, `CurrentEmployee`: the authenticated caller)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.errors import TandemError, ValidationFailed
from backend.tools.lookup import employee_by_code_or_email as resolve_employee  # noqa: F401 - re-exported
from backend.models import ApiToken, Employee

log = logging.getLogger("tandem.api")

TOKEN_PREFIX = "tdm_"
MIN_PASSWORD_LENGTH = 8
# scrypt cost: ~50 ms and 16 MiB per hash — cheap for a login, expensive for a guesser.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _SCRYPT_LEN = 2**14, 8, 1, 32


class AuthenticationFailed(TandemError):
    """No credentials, or credentials that don't identify an active employee (HTTP 401)."""

    code = "unauthenticated"
    http_status = 401


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, employee: Employee, label: str | None = None, ttl_days: int | None = None,
                 *, now: datetime | None = None, can_write: bool = False) -> str:
    """A new API token for `employee`; the plain token is returned once, only its sha256 is stored.
    `can_write`: the token may carry out writes over MCP (each still needs the role and the person's confirmation)."""
    if label is not None and len(label) > 100:
        raise ValidationFailed("The label is too long (at most 100 characters).", hint="Use a short name like 'laptop'.")
    if ttl_days is not None and ttl_days < 1:
        raise ValidationFailed("A token must live at least one day.", hint="Pass --days 1 or more, or none for no expiry.")
    now = now or _utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(employee_id=employee.id, token_hash=hash_token(token), label=label, created_at=now,
                         expires_at=now + timedelta(days=ttl_days) if ttl_days else None, uses=0, can_write=can_write))
    session.flush()
    return token


def authenticate(session: Session, token: str | None, *, now: datetime | None = None) -> Employee:
    """The active employee a token belongs to, or AuthenticationFailed (revoked, expired, unknown, deactivated)."""
    return authenticate_token(session, token, now=now).employee


def authenticate_token(session: Session, token: str | None, *, now: datetime | None = None) -> ApiToken:
    """The same checks as `authenticate`, returning the token's row (its `employee`, and flags such as `can_write`)."""
    hint = "Send 'Authorization: Bearer tdm_...'; an admin creates tokens with `tandem token create`."
    if not token:
        raise AuthenticationFailed("This request needs an API token.", hint=hint)
    if not token.startswith(TOKEN_PREFIX):
        raise AuthenticationFailed("That is not a Tandem API token.", hint=hint)
    now = now or _utcnow()
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is None:
        raise AuthenticationFailed("The API token is not valid.", hint=hint)
    if row.revoked_at is not None:
        raise AuthenticationFailed("This API token was revoked.", hint="Ask an admin for a new token.")
    if row.expires_at is not None and now >= row.expires_at:
        raise AuthenticationFailed("This API token has expired.", hint="Ask an admin for a new token.")
    employee = session.get(Employee, row.employee_id)
    if employee is None or not employee.active:
        raise AuthenticationFailed("The account this token belongs to is deactivated.")
    # In SQL, so concurrent requests with one token don't lose counts.
    session.execute(update(ApiToken).where(ApiToken.id == row.id)
                    .values(uses=ApiToken.uses + 1, last_used_at=now).execution_options(synchronize_session=False))
    return row


def revoke_tokens(session: Session, employee: Employee, *, label: str | None = None, now: datetime | None = None) -> int:
    """Revoke the employee's live tokens (only those with `label` when given); returns how many."""
    conditions = [ApiToken.employee_id == employee.id, ApiToken.revoked_at.is_(None)]
    if label is not None:
        conditions.append(ApiToken.label == label)
    result = session.execute(update(ApiToken).where(*conditions).values(revoked_at=now or _utcnow())
                             .execution_options(synchronize_session=False))
    return result.rowcount


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing: scrypt$N$r$p$salt$hash (base64)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"The password is too short (at least {MIN_PASSWORD_LENGTH} characters).",
                               hint="Choose a longer password.")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_SCRYPT_LEN)
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash; False for no hash or a malformed one."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=2**26)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def set_password(session: Session, employee: Employee, password: str) -> None:
    employee.password_hash = hash_password(password)
    session.flush()


# --- FastAPI dependencies -------------------------------------------------------------------------

def get_sessionmaker(request: Request) -> Callable[[], Session]:
    """Where request sessions come from: app.state.tandem_sessions (tests point it at their database),
    else the configured database, migrated on first use."""
    sessions = getattr(request.app.state, "tandem_sessions", None)
    if sessions is None:
        from backend.db import ensure_database, session_factory

        sessions = session_factory(ensure_database())
        request.app.state.tandem_sessions = sessions
    return sessions


def get_session(sessions: Annotated[Callable[[], Session], Depends(get_sessionmaker)]) -> Iterator[Session]:
    """One transaction per request. A TandemError still commits: the guard has already rolled the tool's
    own work back to its savepoint, and what remains (the audit row) must be kept. Anything unexpected
    rolls everything back."""
    from backend.db import request_transaction

    with request_transaction(sessions) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is a 500,
# never a 200 for work that was not saved.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

bearer_scheme = HTTPBearer(auto_error=False, scheme_name="ApiToken",
                           description="An employee's API token: `Authorization: Bearer tdm_...` (`tandem token create`).")


def current_time() -> datetime:
    """The request's clock (aware UTC); tests may override this dependency."""
    return _utcnow()


def get_current_employee(session: SessionDep,
                         credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
                         now: Annotated[datetime, Depends(current_time)]) -> Employee:
    return authenticate(session, credentials.credentials if credentials else None, now=now)


CurrentEmployee = Annotated[Employee, Depends(get_current_employee)]
