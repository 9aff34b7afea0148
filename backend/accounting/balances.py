"""Balances read from the journal: the trial balance (as of a date, or the movements of a period) and one
account's lines. Both read the covering indexes on journal_lines, never the entries table for the sums."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Account, JournalEntry, JournalLine

ZERO = Decimal(0)


@dataclass(frozen=True)
class BalanceRow:
    account_id: int
    code: str
    name: str
    name_vi: str | None
    kind: str
    normal_side: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Debit minus credit: positive for a debit balance."""
        return self.debit - self.credit


def trial_balance(session: Session, *, as_of: date | None = None, date_from: date | None = None) -> list[BalanceRow]:
    """Per account with lines: debits and credits dated on or before `as_of` (and on or after `date_from`, for
    the movements of a period), ordered by account code. The debits always equal the credits."""
    line = JournalLine.__table__.c
    sums = select(line.account_id, func.sum(line.debit).label("debit"), func.sum(line.credit).label("credit"))
    if as_of is not None:
        sums = sums.where(line.entry_date <= as_of)
    if date_from is not None:
        sums = sums.where(line.entry_date >= date_from)
    sums = sums.group_by(line.account_id).subquery()
    a = Account.__table__.c
    rows = session.execute(select(a.id, a.code, a.name, a.name_vi, a.kind, a.normal_side, sums.c.debit, sums.c.credit)
                           .join(sums, sums.c.account_id == a.id).order_by(a.code)).all()
    return [BalanceRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or ZERO, r[7] or ZERO) for r in rows]


@dataclass(frozen=True)
class LedgerLine:
    entry_number: str
    entry_date: date
    description: str
    source_type: str
    debit: Decimal
    credit: Decimal
    currency: str
    amount_in_currency: Decimal | None
    customer_id: int | None
    supplier_id: int | None
    product_id: int | None


def opening_balance(session: Session, account_id: int, before: date) -> Decimal:
    line = JournalLine.__table__.c
    debit, credit = session.execute(select(func.sum(line.debit), func.sum(line.credit))
                                    .where(line.account_id == account_id, line.entry_date < before)).one()
    return (debit or ZERO) - (credit or ZERO)


def account_lines(session: Session, account_id: int, date_from: date, date_to: date, *, limit: int) -> tuple[list[LedgerLine], int]:
    """The account's lines dated in [date_from, date_to], oldest first, at most `limit`; and how many there are."""
    line, entry = JournalLine.__table__.c, JournalEntry.__table__.c
    where = (line.account_id == account_id, line.entry_date >= date_from, line.entry_date <= date_to)
    total = session.execute(select(func.count()).select_from(JournalLine.__table__).where(*where)).scalar_one()
    rows = session.execute(
        select(entry.number, line.entry_date, entry.description, entry.source_type, line.debit, line.credit,
               line.currency, line.amount_in_currency, line.customer_id, line.supplier_id, line.product_id)
        .join(JournalEntry.__table__, entry.id == line.entry_id).where(*where)
        .order_by(line.entry_date, line.entry_id, line.id).limit(limit)).all()
    return [LedgerLine(*row) for row in rows], total


@dataclass(frozen=True)
class MonthlyRow:
    period: str  # YYYY-MM
    account_id: int
    code: str
    name: str
    kind: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


def _month_of(session: Session, column):
    """YYYY-MM of a date column: SQLite stores dates as ISO text, PostgreSQL formats them."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


def monthly_movements(session: Session, date_from: date, date_to: date, *,
                      kinds: tuple[str, ...] = ("revenue", "expense")) -> list[MonthlyRow]:
    """Debits and credits per month and account, for the accounts of `kinds` (by default those of the profit and
    loss), of lines dated in [date_from, date_to]; ordered by month, then account code."""
    line, a = JournalLine.__table__.c, Account.__table__.c
    wanted = select(a.id).where(a.kind.in_(kinds))
    month = _month_of(session, line.entry_date).label("period")
    sums = (select(month, line.account_id, func.sum(line.debit).label("debit"), func.sum(line.credit).label("credit"))
            .where(line.entry_date >= date_from, line.entry_date <= date_to, line.account_id.in_(wanted))
            .group_by(month, line.account_id).subquery())
    rows = session.execute(select(sums.c.period, a.id, a.code, a.name, a.kind, sums.c.debit, sums.c.credit)
                           .join(sums, sums.c.account_id == a.id).order_by(sums.c.period, a.code)).all()
    return [MonthlyRow(r[0], r[1], r[2], r[3], r[4], r[5] or ZERO, r[6] or ZERO) for r in rows]
