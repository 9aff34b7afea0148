"""Writing journal entries: every entry balances, lands in an open period, takes a gapless JE- number, and is
never changed afterwards (a correction is a reversal). Core statements only, so posting runs inside a flush.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.bulk import insert_tuples
from backend.errors import BusinessRuleViolation, NotFound
from backend.models import AccountingPeriod, JournalEntry, JournalLine
from backend.money import round_money
from backend.numbering import next_numbers

ZERO = Decimal(0)
ENTRY_COLUMNS = ("number", "entry_date", "period", "source_type", "source_id", "description", "reverses_id",
                 "created_by_id", "created_at")
LINE_COLUMNS = ("entry_id", "entry_date", "account_id", "debit", "credit", "currency", "amount_in_currency",
                "customer_id", "supplier_id", "product_id")


# Entries whose amounts the cost book (product_costs) holds too: the inventory account equals its values.
COSTED = ("goods_receipt", "delivery", "stock_adjustment")


class PeriodClosed(BusinessRuleViolation):
    code = "period_closed"


class Unbalanced(BusinessRuleViolation):
    code = "unbalanced_entry"


@dataclass
class LineDraft:
    account_id: int
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    currency: str | None = None  # the document's currency; None means the base currency
    amount_in_currency: Decimal | None = None
    customer_id: int | None = None
    supplier_id: int | None = None
    product_id: int | None = None


@dataclass
class EntryDraft:
    entry_date: date
    source_type: str
    source_id: int | None
    description: str
    lines: list[LineDraft] = field(default_factory=list)
    reverses_id: int | None = None
    created_by_id: int | None = None

    def add(self, account_id: int, amount: Decimal, **dimensions) -> None:
        """A line of `amount` on the debit side (positive) or the credit side (negative); zero adds nothing."""
        if amount > 0:
            self.lines.append(LineDraft(account_id, debit=amount, **dimensions))
        elif amount < 0:
            self.lines.append(LineDraft(account_id, credit=-amount, **dimensions))

    @property
    def period(self) -> str:
        return period_of(self.entry_date)

    def totals(self) -> tuple[Decimal, Decimal]:
        return (sum((line.debit for line in self.lines), ZERO), sum((line.credit for line in self.lines), ZERO))


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def closed_periods(session: Session, periods: set[str] | None = None) -> set[str]:
    query = select(AccountingPeriod.period)
    if periods is not None:
        query = query.where(AccountingPeriod.period.in_(periods))
    return set(session.execute(query).scalars())


def check_balanced(draft: EntryDraft, base_currency: str) -> None:
    for line in draft.lines:
        if (line.debit < 0 or line.credit < 0 or (line.debit > 0) == (line.credit > 0)
                or round_money(line.debit, base_currency) != line.debit
                or round_money(line.credit, base_currency) != line.credit):
            raise Unbalanced(f"Every line of an entry has an amount on exactly one side, positive and in whole "
                             f"{base_currency} minor units; '{draft.description}' has one that does not.",
                             hint="Give each line either a debit or a credit.")
    debit, credit = draft.totals()
    if not draft.lines or debit != credit:
        raise Unbalanced(f"The entry does not balance: debits {debit} and credits {credit} {base_currency} "
                         f"(difference {debit - credit}).",
                         hint="Make the debits and the credits equal; nothing was written.",
                         details={"debit": str(debit), "credit": str(credit), "difference": str(debit - credit)})


def write_entries(session: Session, drafts: list[EntryDraft], base_currency: str) -> list[int]:
    """Insert balanced entries with their lines (one statement per table); returns their ids in order.
    Refuses the whole batch when one entry falls in a closed period or does not balance."""
    if not drafts:
        return []
    for draft in drafts:
        check_balanced(draft, base_currency)
    closed = closed_periods(session, {draft.period for draft in drafts})
    if closed:
        first = next(draft for draft in drafts if draft.period in closed)
        raise PeriodClosed(
            f"{first.period} is closed: '{first.description}' dated {first.entry_date.isoformat()} can't be posted "
            "into it.",
            hint="Post it (or a reversal of what it corrects) dated in an open period.",
            details={"period": first.period})
    by_year: dict[int, list[int]] = defaultdict(list)
    for at, draft in enumerate(drafts):
        by_year[draft.entry_date.year].append(at)
    numbers: list[str] = [""] * len(drafts)
    for year, indexes in sorted(by_year.items()):
        for at, number in zip(indexes, next_numbers(session, "journal", year, len(indexes))):
            numbers[at] = number
    now = datetime.now(timezone.utc)
    ids = insert_tuples(session, JournalEntry.__table__, ENTRY_COLUMNS, [
        (numbers[at], d.entry_date, d.period, d.source_type, d.source_id, d.description[:300], d.reverses_id,
         d.created_by_id, now) for at, d in enumerate(drafts)], key="number")
    rows = []
    for at, draft in enumerate(drafts):
        entry_id = ids[numbers[at]]
        for line in draft.lines:
            rows.append((entry_id, draft.entry_date, line.account_id, line.debit, line.credit,
                         line.currency or base_currency, line.amount_in_currency, line.customer_id, line.supplier_id,
                         line.product_id))
    insert_tuples(session, JournalLine.__table__, LINE_COLUMNS, rows)
    return [ids[number] for number in numbers]


def reversal_of(session: Session, entry_id: int, *, on: date, actor_id: int | None = None,
                reason: str | None = None) -> EntryDraft:
    """The entry that undoes `entry_id`: every line on the other side, dated `on`."""
    entry = session.execute(select(JournalEntry.id, JournalEntry.number, JournalEntry.source_type,
                                   JournalEntry.description).where(JournalEntry.id == entry_id)).one_or_none()
    if entry is None:
        raise NotFound(f"There is no journal entry with id {entry_id}.")
    already = session.execute(select(JournalEntry.number).where(
        JournalEntry.source_type == "reversal", JournalEntry.source_id == entry.id)).scalar_one_or_none()
    if already is not None:
        raise BusinessRuleViolation(f"{entry.number} was already reversed by {already}.",
                                    hint="Post a new entry if something else needs correcting.")
    if entry.source_type in COSTED:
        raise BusinessRuleViolation(
            f"{entry.number} moved goods at moving-average cost ({entry.source_type.replace('_', ' ')}); reversing the "
            "entry alone would leave the stock's cost behind.",
            hint="Correct the goods themselves (a stock adjustment or a return) so the cost book moves with the ledger.")
    if entry.source_type == "reversal":
        raise BusinessRuleViolation(f"{entry.number} is itself a reversal.",
                                    hint="Post the original entry again instead of reversing the reversal.")
    draft = EntryDraft(entry_date=on, source_type="reversal", source_id=entry.id, reverses_id=entry.id,
                       created_by_id=actor_id,
                       description=f"Reversal of {entry.number}" + (f": {reason}" if reason else f" ({entry.description})"))
    lines = session.execute(select(*(JournalLine.__table__.c[name] for name in LINE_COLUMNS))
                            .where(JournalLine.entry_id == entry.id).order_by(JournalLine.id))
    for line in lines:
        draft.lines.append(LineDraft(line.account_id, debit=line.credit, credit=line.debit, currency=line.currency,
                                     amount_in_currency=line.amount_in_currency, customer_id=line.customer_id,
                                     supplier_id=line.supplier_id, product_id=line.product_id))
    return draft


def reverse_entry(session: Session, entry_id: int, *, on: date, base_currency: str, actor_id: int | None = None,
                  reason: str | None = None) -> int:
    """Post the reversal of an entry, dated `on` (an open period); returns the reversal's id."""
    return write_entries(session, [reversal_of(session, entry_id, on=on, actor_id=actor_id, reason=reason)],
                         base_currency)[0]
