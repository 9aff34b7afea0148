"""Web chat sign-in: server-side sessions behind an HttpOnly cookie, each with its own CSRF token. Failed
sign-ins are throttled (backend.limits) and audited; an unknown e-mail costs the same time as a wrong password."""
from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend import limits
from backend.api.auth import AuthenticationFailed, authenticate, hash_password, hash_token, verify_password
from backend.errors import PermissionDenied, RateLimited
from backend.models import Employee, WebSession
from backend.settings import Settings, get_settings
from backend.tools import audit

COOKIE_NAME = "tandem_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class SignedIn:
    cookie_token: str
    csrf_token: str
    employee: Employee
    expires_at: datetime


_decoy_hash: str | None = None


def _decoy() -> str:
    """A hash no password matches, checked when the e-mail has no password to check, so that answer takes as long
    as a wrong password for a real account (otherwise timing tells which e-mails exist)."""
    global _decoy_hash
    if _decoy_hash is None:
        _decoy_hash = hash_password(secrets.token_urlsafe(24))
    return _decoy_hash


def _employee_for(session: Session, email: str, password: str) -> tuple[Employee | None, bool]:
    """(the employee the e-mail belongs to or None, whether the password is theirs); always one scrypt check."""
    employee = session.execute(select(Employee).where(func.lower(Employee.email) == email.strip().lower())).scalar_one_or_none()
    stored = employee.password_hash if employee is not None and employee.password_hash else None
    matches = verify_password(password, stored or _decoy())
    return employee, matches and stored is not None


def sign_in(session: Session, *, now: datetime, ttl_minutes: int, email: str | None = None, password: str | None = None,
            api_token: str | None = None, address: str | None = None, settings: Settings | None = None) -> SignedIn:
    """E-mail + password (set with `tandem user set-password`) or an employee's API token, from client `address`.

    While the e-mail or the address is throttled the answer is RateLimited (429) without checking anything; a
    failure counts against both and is audited, a success forgets the account's failures."""
    settings = settings or get_settings()
    store = limits.counters(session, settings)
    account = None if api_token else email
    started = time.perf_counter()
    employee: Employee | None = None
    try:
        limits.check_sign_in(store, email=account, address=address, now=now)
        if api_token:
            employee = authenticate(session, api_token.strip(), now=now)
        else:
            if not email or not password:
                raise AuthenticationFailed("Enter your e-mail and password, or an API token.")
            employee, matches = _employee_for(session, email, password)
            # One message for every failure, so the form does not reveal which e-mails exist.
            if not matches:
                raise AuthenticationFailed("Wrong e-mail or password.",
                                           hint="An admin sets passwords with `tandem user set-password`.")
            if not employee.active:
                raise AuthenticationFailed("This account is deactivated.")
    except (AuthenticationFailed, RateLimited) as exc:
        if isinstance(exc, AuthenticationFailed):
            limits.record_failed_sign_in(store, settings.signin, email=account, address=address, now=now)
        audit.append(session, actor=employee, channel="web", tool="sign_in",
                     arguments={"email": (email or "")[:254] or None, "address": address,
                                "with": "api_token" if api_token else "password"},
                     outcome="denied" if isinstance(exc, AuthenticationFailed) else "rejected", detail=exc.message,
                     duration_ms=int((time.perf_counter() - started) * 1000), occurred_at=now)
        raise
    limits.record_sign_in(store, email=account)
    cookie_token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + timedelta(minutes=ttl_minutes)
    session.add(WebSession(token_hash=hash_token(cookie_token), csrf_token=csrf, employee_id=employee.id, created_at=now,
                           last_seen_at=now, expires_at=expires))
    session.flush()
    return SignedIn(cookie_token, csrf, employee, expires)


def current(session: Session, cookie_token: str | None, *, now: datetime) -> WebSession:
    if not cookie_token:
        raise AuthenticationFailed("Please sign in.")
    row = session.execute(select(WebSession).where(WebSession.token_hash == hash_token(cookie_token))).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        raise AuthenticationFailed("Please sign in.")
    if now >= row.expires_at:
        raise AuthenticationFailed("Your session has expired; please sign in again.")
    if not row.employee.active:
        raise AuthenticationFailed("This account is deactivated.")
    session.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now)
                    .execution_options(synchronize_session=False))
    return row


def check_csrf(row: WebSession, header_value: str | None) -> None:
    """Every state-changing request must echo the session's CSRF token in a header a foreign page can't set."""
    if not header_value or not hmac.compare_digest(header_value, row.csrf_token):
        raise PermissionDenied("The request is missing its CSRF token; reload the page and try again.")


def sign_out(session: Session, row: WebSession, *, now: datetime) -> None:
    row.ended_at = now
    session.flush()
