"""Closing a month: once closed, nothing posts into it (corrections are reversals dated in an open month)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation, ValidationFailed
from backend.models import AccountingPeriod, Employee

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_period(period: str) -> str:
    period = period.strip()
    if not PERIOD.match(period):
        raise ValidationFailed(f"'{period}' is not a month; write it as YYYY-MM, e.g. 2026-03.")
    return period


def is_closed(session: Session, period: str) -> bool:
    return session.execute(select(AccountingPeriod.id).where(AccountingPeriod.period == period)).first() is not None


def close_period(session: Session, period: str, actor: Employee | None, *, at: datetime | None = None) -> AccountingPeriod:
    """Lock `period` (YYYY-MM) for postings. Refused when it is already closed."""
    period = check_period(period)
    existing = session.execute(select(AccountingPeriod).where(AccountingPeriod.period == period)).scalar_one_or_none()
    if existing is not None:
        raise BusinessRuleViolation(f"{period} is already closed (since {existing.closed_at:%Y-%m-%d}).",
                                    hint="Nothing to do; post corrections into an open month.")
    session.execute(insert(AccountingPeriod).values(period=period, closed_at=at or datetime.now(timezone.utc),
                                                    closed_by_id=actor.id if actor else None))
    return session.execute(select(AccountingPeriod).where(AccountingPeriod.period == period)).scalar_one()
