"""Who is asking: a Slack user is an employee by an explicit link (`tandem slack link`) or by the e-mail address
on their Slack profile (users.info), matched once and then remembered in `slack_links`."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, ContextManager

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import Employee, SlackLink

log = logging.getLogger("tandem.slack")


@dataclass(frozen=True)
class Asker:
    """The employee behind a Slack user, detached from any session."""

    slack_user_id: str
    employee_id: int
    name: str
    role: str
    active: bool


def _asker(slack_user_id: str, employee: Employee) -> Asker:
    return Asker(slack_user_id, employee.id, employee.name, employee.role, employee.active)


def linked_employee(session: Session, slack_user_id: str) -> Employee | None:
    link = session.execute(select(SlackLink).where(SlackLink.slack_user_id == slack_user_id)).scalar_one_or_none()
    return link.employee if link else None


def link_user(session: Session, slack_user_id: str, employee: Employee, *, source: str = "manual") -> SlackLink:
    """Link (or re-link) a Slack user to an employee. Flushes; the caller commits."""
    link = session.execute(select(SlackLink).where(SlackLink.slack_user_id == slack_user_id)).scalar_one_or_none()
    if link is None:
        link = SlackLink(slack_user_id=slack_user_id, employee_id=employee.id, source=source)
        session.add(link)
    else:
        link.employee_id, link.source = employee.id, source
    session.flush()
    return link


def unlink_user(session: Session, slack_user_id: str) -> bool:
    return session.execute(delete(SlackLink).where(SlackLink.slack_user_id == slack_user_id)).rowcount > 0


def list_links(session: Session) -> list[SlackLink]:
    return list(session.execute(select(SlackLink).order_by(SlackLink.slack_user_id)).scalars())


def _profile_email(client: WebClient, slack_user_id: str) -> str | None:
    """The confirmed e-mail of a real (not bot, not deleted) Slack user, or None."""
    try:
        user = client.users_info(user=slack_user_id).get("user") or {}
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", slack_user_id, exc.response.get("error"))
        return None
    if user.get("deleted") or user.get("is_bot") or user.get("is_email_confirmed") is False:
        return None
    return (user.get("profile") or {}).get("email") or None


def identify(transaction: Callable[[], ContextManager[Session]], client: WebClient, slack_user_id: str) -> Asker | None:
    """The employee a Slack user is, or None. A link wins; else the profile e-mail, remembered as a link.

    Each database access is its own short transaction; the users.info call happens between them, not inside one.
    """
    with transaction() as session:
        employee = linked_employee(session, slack_user_id)
        if employee is not None:
            return _asker(slack_user_id, employee)
    email = _profile_email(client, slack_user_id)
    if not email:
        return None
    with transaction() as session:
        employee = session.execute(select(Employee).where(func.lower(Employee.email) == email.strip().lower())
                                   ).scalar_one_or_none()
        if employee is None:
            return None
        try:
            # Two events from a new user may race to remember them; the loser keeps the winner's link.
            with session.begin_nested():
                session.add(SlackLink(slack_user_id=slack_user_id, employee_id=employee.id, source="email"))
        except IntegrityError:
            pass
        return _asker(slack_user_id, employee)
