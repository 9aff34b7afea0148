"""The general ledger's tools: manual journal entries, reversals and month closing (finance writes, previewed and
confirmed), and the trial balance and one account's lines (read). Documents post themselves (backend.accounting)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from backend.accounting.balances import account_lines, opening_balance, trial_balance as balances_of
from backend.accounting.chart import ensure_chart
from backend.accounting.journal import EntryDraft, LineDraft, closed_periods, period_of, reverse_entry, write_entries
from backend.accounting.periods import check_period, close_period as close_month
from backend.accounting.posting import post_all_unposted
from backend.errors import BusinessRuleViolation, NotFound, ValidationFailed
from backend.models import Account, JournalEntry, JournalLine
from backend.money import format_money
from backend.tools.bounds import BoundedDate
from backend.tools.context import ToolContext
from backend.tools.registry import register
from backend.tools.schema import ToolModel

UNNUMBERED = "(assigned on confirmation)"
ZERO = Decimal(0)
ACCOUNT_CODE = Field(min_length=1, max_length=20, description="Account code from the chart, e.g. 1010 or 112")


def _account(ctx: ToolContext, code: str) -> Account:
    ensure_chart(ctx.session, ctx.settings)
    account = ctx.session.execute(select(Account).where(Account.code == code.strip())).scalar_one_or_none()
    if account is None:
        codes = ctx.session.execute(select(Account.code).order_by(Account.code)).scalars().all()
        raise NotFound(f"There is no account with code '{code.strip()}'.",
                       hint="Use a code from the chart of accounts: " + ", ".join(codes) + ".")
    return account


def _month_bounds(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:])
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


# ------------------------------------------------------------------------------------------ manual entries
class JournalLineInput(ToolModel):
    account: str = ACCOUNT_CODE
    debit: Decimal | None = Field(None, gt=0, max_digits=20, description="Debit amount in the base currency")
    credit: Decimal | None = Field(None, gt=0, max_digits=20, description="Credit amount in the base currency")


class PostJournalEntryInput(ToolModel):
    entry_date: BoundedDate = Field(description="Date of the entry (YYYY-MM-DD); its month must be open")
    description: str = Field(min_length=1, max_length=300, description="What the entry records")
    lines: list[JournalLineInput] = Field(min_length=2, max_length=100,
                                          description="At least two lines, each a debit or a credit; they must balance")


class EntryLineOut(ToolModel):
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal


class JournalEntryOut(ToolModel):
    number: str
    entry_date: date
    period: str
    description: str
    source_type: str
    currency: str = Field(description="The base currency every amount is in")
    lines: list[EntryLineOut]
    total_debit: Decimal
    total_credit: Decimal


class PostJournalEntryResult(ToolModel):
    entry: JournalEntryOut
    posted: bool = Field(description="False in a preview: nothing has been written yet")


def _entry_out(ctx: ToolContext, draft: EntryDraft, number: str, accounts: dict[int, Account]) -> JournalEntryOut:
    debit, credit = draft.totals()
    return JournalEntryOut(number=number, entry_date=draft.entry_date, period=draft.period,
                           description=draft.description, source_type=draft.source_type, currency=ctx.base_currency,
                           lines=[EntryLineOut(account=accounts[line.account_id].code,
                                               account_name=accounts[line.account_id].name,
                                               debit=line.debit, credit=line.credit) for line in draft.lines],
                           total_debit=debit, total_credit=credit)


def _post_summary(params: PostJournalEntryInput, result: PostJournalEntryResult) -> str:
    e = result.entry
    return (f"Post a manual journal entry dated {e.entry_date.isoformat()} ({e.description}): "
            f"{format_money(e.total_debit, e.currency)} on {len(e.lines)} lines")


@register(kind="write", summarize=_post_summary)
def post_journal_entry(ctx: ToolContext, params: PostJournalEntryInput) -> PostJournalEntryResult:
    """Post a manual journal entry: accounts by code, debits equal to credits, an open month; needs confirmation."""
    draft = EntryDraft(params.entry_date, "manual", None, params.description.strip(), created_by_id=ctx.actor.id)
    accounts: dict[int, Account] = {}
    for at, line in enumerate(params.lines, start=1):
        if (line.debit is None) == (line.credit is None):
            raise ValidationFailed(f"Line {at} ({line.account}) needs either a debit or a credit, not "
                                   f"{'both' if line.debit is not None else 'neither'}.",
                                   hint="Give each line one amount, on one side.")
        account = _account(ctx, line.account)
        if account.role == "inventory":
            raise BusinessRuleViolation(
                f"Account {account.code} ({account.name}) moves with the goods: receipts and deliveries post it at "
                "moving-average cost, and a manual line would part it from the stock's cost.",
                hint="Receive, ship or adjust the stock instead; post other corrections to another account.")
        if not account.active:
            raise BusinessRuleViolation(f"Account {account.code} ({account.name}) is inactive.",
                                        hint="Post to an active account.")
        accounts[account.id] = account
        draft.lines.append(LineDraft(account.id, debit=line.debit or ZERO, credit=line.credit or ZERO))
    # Refused, with what to do, when it does not balance or its month is closed.
    [entry_id] = write_entries(ctx.session, [draft], ctx.base_currency)
    number = UNNUMBERED if ctx.previewing else ctx.session.get(JournalEntry, entry_id).number
    return PostJournalEntryResult(entry=_entry_out(ctx, draft, number, accounts), posted=not ctx.previewing)


# ---------------------------------------------------------------------------------------------- reversals
class ReverseJournalEntryInput(ToolModel):
    entry: str = Field(min_length=1, max_length=40, description="Journal entry number, e.g. JE-2026-000123")
    on: BoundedDate | None = Field(None, description="Date of the reversal (YYYY-MM-DD, an open month); default today")
    reason: str | None = Field(None, max_length=200, description="Why it is reversed (kept in its description)")


class ReverseJournalEntryResult(ToolModel):
    reversed_entry: str
    reversal: JournalEntryOut
    posted: bool = Field(description="False in a preview: nothing has been written yet")


def _reverse_summary(params: ReverseJournalEntryInput, result: ReverseJournalEntryResult) -> str:
    r = result.reversal
    return (f"Reverse journal entry {result.reversed_entry} on {r.entry_date.isoformat()} "
            f"({format_money(r.total_debit, r.currency)})")


def _stored_entry(ctx: ToolContext, entry_id: int, number: str) -> JournalEntryOut:
    entry = ctx.session.get(JournalEntry, entry_id)
    rows = ctx.session.execute(select(JournalLine.account_id, JournalLine.debit, JournalLine.credit)
                               .where(JournalLine.entry_id == entry_id).order_by(JournalLine.id)).all()
    draft = EntryDraft(entry.entry_date, entry.source_type, entry.source_id, entry.description,
                       lines=[LineDraft(r.account_id, debit=r.debit, credit=r.credit) for r in rows])
    accounts = {a.id: a for a in ctx.session.execute(select(Account).where(
        Account.id.in_({r.account_id for r in rows}))).scalars()}
    return _entry_out(ctx, draft, number, accounts)


@register(kind="write", summarize=_reverse_summary)
def reverse_journal_entry(ctx: ToolContext, params: ReverseJournalEntryInput) -> ReverseJournalEntryResult:
    """Reverse a journal entry (every line on the other side) dated in an open month; needs confirmation."""
    number = params.entry.strip().upper()
    original = ctx.session.execute(select(JournalEntry).where(JournalEntry.number == number)).scalar_one_or_none()
    if original is None:
        raise NotFound(f"There is no journal entry {number}.", hint="Entry numbers look like JE-2026-000123.")
    on = params.on or ctx.today
    reversal_id = reverse_entry(ctx.session, original.id, on=on, base_currency=ctx.base_currency, actor_id=ctx.actor.id,
                                reason=params.reason.strip() if params.reason and params.reason.strip() else None)
    reversal_number = UNNUMBERED if ctx.previewing else ctx.session.get(JournalEntry, reversal_id).number
    return ReverseJournalEntryResult(reversed_entry=original.number, posted=not ctx.previewing,
                                     reversal=_stored_entry(ctx, reversal_id, reversal_number))


# ----------------------------------------------------------------------------------------------- closing
class ClosePeriodInput(ToolModel):
    month: str = Field(min_length=7, max_length=7, description="The month to close, YYYY-MM")


class ClosePeriodResult(ToolModel):
    month: str
    entries: int = Field(description="Journal entries dated in the month")
    posted_now: int = Field(description="Documents without an entry yet (any month), posted before closing")
    total_debit: Decimal = Field(description="Debits posted in the month (equal to its credits)")
    total_credit: Decimal
    currency: str
    closed: bool = Field(description="False in a preview: nothing has been written yet")


def _close_summary(params: ClosePeriodInput, result: ClosePeriodResult) -> str:
    unposted = f" (after posting {result.posted_now} documents not posted yet)" if result.posted_now else ""
    return (f"Close {result.month}: {result.entries} entries, {format_money(result.total_debit, result.currency)} "
            f"debited{unposted}; nothing more can be posted into it")


@register(kind="write", summarize=_close_summary)
def close_period(ctx: ToolContext, params: ClosePeriodInput) -> ClosePeriodResult:
    """Close a month (YYYY-MM): nothing posts into it afterwards, corrections are reversals; needs confirmation."""
    month = check_period(params.month)
    first, last = _month_bounds(month)
    if last >= ctx.today:
        raise BusinessRuleViolation(f"{month} has not ended yet (today is {ctx.today.isoformat()}); closing it would "
                                    "refuse the rest of its documents.", hint="Close a month after its last day.")
    # Documents written past the ORM (imports, bulk loads) and not posted yet would be locked out for good.
    posted_now = post_all_unposted(ctx.session).entries
    entries = ctx.session.execute(select(func.count()).select_from(JournalEntry)
                                  .where(JournalEntry.period == month)).scalar_one()
    debit, credit = ctx.session.execute(select(func.sum(JournalLine.debit), func.sum(JournalLine.credit))
                                        .where(JournalLine.entry_date >= first, JournalLine.entry_date <= last)).one()
    close_month(ctx.session, month, ctx.actor, at=ctx.now)
    return ClosePeriodResult(month=month, entries=entries, posted_now=posted_now, total_debit=debit or ZERO,
                             total_credit=credit or ZERO, currency=ctx.base_currency, closed=not ctx.previewing)


# ------------------------------------------------------------------------------------------------- reading
class TrialBalanceInput(ToolModel):
    as_of: BoundedDate | None = Field(None, description="Balances on this day (YYYY-MM-DD); default today")
    date_from: BoundedDate | None = Field(None, description="With as_of: the movements from this day instead of "
                                                            "balances since the start")
    month: str | None = Field(None, min_length=7, max_length=7,
                              description="YYYY-MM: the movements of that month instead of balances to date")


class TrialBalanceRow(ToolModel):
    account: str
    name: str
    name_vi: str | None
    kind: Literal["asset", "liability", "equity", "revenue", "expense"]
    debit: Decimal
    credit: Decimal
    balance: Decimal = Field(description="Debit minus credit: positive for a debit balance")


class TrialBalanceResult(ToolModel):
    date_from: date | None = Field(description="First day of the movements; None for balances since the start")
    date_to: date
    currency: str
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal
    balanced: bool = Field(description="True when the debits equal the credits (always, unless the data is damaged)")
    closed: bool = Field(description="For a month: whether it is closed")


@register(kind="read")
def trial_balance(ctx: ToolContext, params: TrialBalanceInput) -> TrialBalanceResult:
    """Trial balance: debits, credits and balance per account, as of a date or for the movements of one month."""
    date_from, closed = None, False
    date_to = params.as_of or ctx.today
    if params.month:
        if params.as_of or params.date_from:
            raise ValidationFailed("Give either a month or dates (as_of, date_from), not both.",
                                   hint="Ask for the month's movements, or for a span of days.")
        month = check_period(params.month)
        date_from, date_to = _month_bounds(month)
        closed = month in closed_periods(ctx.session, {month})
    else:
        if params.date_from is not None and params.date_from > date_to:
            raise ValidationFailed(f"date_from {params.date_from.isoformat()} is after {date_to.isoformat()}.",
                                   hint="Swap them.")
        date_from = params.date_from
        closed = period_of(date_to) in closed_periods(ctx.session, {period_of(date_to)})
    rows = [TrialBalanceRow(account=r.code, name=r.name, name_vi=r.name_vi, kind=r.kind, debit=r.debit,
                            credit=r.credit, balance=r.balance)
            for r in balances_of(ctx.session, as_of=date_to, date_from=date_from)]
    debit, credit = sum((r.debit for r in rows), ZERO), sum((r.credit for r in rows), ZERO)
    return TrialBalanceResult(date_from=date_from, date_to=date_to, currency=ctx.base_currency, rows=rows,
                              total_debit=debit, total_credit=credit, balanced=debit == credit, closed=closed)


class AccountLedgerInput(ToolModel):
    account: str = ACCOUNT_CODE
    date_from: BoundedDate | None = Field(None, description="First day (YYYY-MM-DD); default the 1st of this month")
    date_to: BoundedDate | None = Field(None, description="Last day (YYYY-MM-DD); default today")
    limit: int = Field(200, ge=1, le=1000, description="At most this many lines, oldest first")


class AccountLineOut(ToolModel):
    entry: str
    entry_date: date
    description: str
    source_type: str
    debit: Decimal
    credit: Decimal
    running_balance: Decimal = Field(description="Debit minus credit to date, opening balance included")
    currency: str = Field(description="The document's currency")
    amount_in_currency: Decimal | None


class AccountLedgerResult(ToolModel):
    account: str
    name: str
    kind: str
    currency: str
    date_from: date
    date_to: date
    opening_balance: Decimal = Field(description="Debit minus credit before date_from")
    lines: list[AccountLineOut]
    total_lines: int = Field(description="Lines in the period; more than listed when the limit cut them")
    total_debit: Decimal = Field(description="Of all the period's lines, listed or not")
    total_credit: Decimal
    closing_balance: Decimal = Field(description="Opening balance plus the period's debits minus its credits")


@register(kind="read")
def account_ledger(ctx: ToolContext, params: AccountLedgerInput) -> AccountLedgerResult:
    """One account's journal lines over a period, with its opening, running and closing balance."""
    account = _account(ctx, params.account)
    date_to = params.date_to or ctx.today
    date_from = params.date_from or date_to.replace(day=1)
    if date_from > date_to:
        raise ValidationFailed(f"date_from {date_from.isoformat()} is after date_to {date_to.isoformat()}.",
                               hint="Swap them.")
    opening = opening_balance(ctx.session, account.id, date_from)
    lines, total = account_lines(ctx.session, account.id, date_from, date_to, limit=params.limit)
    debit, credit = ctx.session.execute(select(func.sum(JournalLine.debit), func.sum(JournalLine.credit)).where(
        JournalLine.account_id == account.id, JournalLine.entry_date >= date_from,
        JournalLine.entry_date <= date_to)).one()
    running, out = opening, []
    for line in lines:
        running += line.debit - line.credit
        out.append(AccountLineOut(entry=line.entry_number, entry_date=line.entry_date, description=line.description,
                                  source_type=line.source_type, debit=line.debit, credit=line.credit,
                                  running_balance=running, currency=line.currency,
                                  amount_in_currency=line.amount_in_currency))
    debit, credit = debit or ZERO, credit or ZERO
    return AccountLedgerResult(account=account.code, name=account.name, kind=account.kind,
                               currency=ctx.base_currency, date_from=date_from, date_to=date_to,
                               opening_balance=opening, lines=out, total_lines=total, total_debit=debit,
                               total_credit=credit, closing_balance=opening + debit - credit)
