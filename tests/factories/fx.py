"""Factory for FX rates (units of the company's base currency per unit of `currency`, from `rate_date`)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from backend.models import FxRate


def make_fx_rate(session: Session, *, currency: str = "USD", rate: Decimal = Decimal("25000"),
                 rate_date: date = date(2026, 11, 1)) -> FxRate:
    row = FxRate(currency=currency, rate=rate, rate_date=rate_date)
    session.add(row)
    session.flush()
    return row
