"""Independent SQL for checking figures: plain statements that read stored values the way each dialect keeps
them (SQLite: money as an integer scaled by 10^4, rates by 10^8, dates as ISO text) — no ORM types involved."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text


class Raw:
    def __init__(self, session):
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def rows(self, sql: str, **params):
        if self.sqlite:
            params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
        return self.session.execute(text(sql), params).all()

    def money(self, value) -> Decimal:
        if value is None:
            return Decimal(0)
        return Decimal(int(value)).scaleb(-4) if self.sqlite else Decimal(value)

    def rate(self, value) -> Decimal:
        return Decimal(int(value)).scaleb(-8) if self.sqlite else Decimal(value)

    @staticmethod
    def day(value) -> date:
        return date.fromisoformat(value) if isinstance(value, str) else value
