"""Web chat sign-in: server-side sessions behind an HttpOnly cookie, each with its own CSRF token."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.api.auth import AuthenticationFailed, authenticate, hash_token, verify_password
from backend.errors import PermissionDenied
from backend.models import Employee, WebSession

COOKIE_NAME = "tandem_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class SignedIn:
    cookie_token: str
    csrf_token: str
    employee: Employee
    expires_at: datetime


def sign_in(session: Session, *, now: datetime, ttl_minutes: int, email: str | None = None, password: str | None = None,
            api_token: str | None = None) -> SignedIn:
    """E-mail + password (set with `tandem user set-password`) or an employee's API token."""
    if api_token:
        employee = authenticate(session, api_token.strip(), now=now)
    else:
        if not email or not password:
            raise AuthenticationFailed("Enter your e-mail and password, or an API token.")
        employee = session.execute(select(Employee).where(func.lower(Employee.email) == email.strip().lower())).scalar_one_or_none()
        # One message for every failure, so the form does not reveal which e-mails exist.
        if employee is None or not verify_password(password, employee.password_hash):
            raise AuthenticationFailed("Wrong e-mail or password.", hint="An admin sets passwords with `tandem user set-password`.")
        if not employee.active:
            raise AuthenticationFailed("This account is deactivated.")
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
