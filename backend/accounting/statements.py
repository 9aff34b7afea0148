"""The financial statements, read from the journal only: profit and loss for a period (accounts by kind and role),
the balance sheet as of a day (with the earnings of the current year and of earlier years not yet closed), and the
cash flow of a period from the movements of the cash and bank accounts, classified by the account on the other side
of each entry. Every figure is a sum of journal lines; nothing here reads a document.

Sections of the profit and loss, by account:
- revenue: revenue accounts except exchange gains;
- cost of sales: cost of goods sold, purchase price variance and inventory adjustments (count differences);
  gross profit = revenue - cost of sales;
- operating expenses: the other expense accounts except exchange losses;
- exchange differences: exchange gains less exchange losses.
Net profit = every revenue account's credits less debits minus every expense account's debits less credits.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounting.balances import BalanceRow, trial_balance
from backend.models import Account, JournalLine

ZERO = Decimal(0)
COST_OF_SALES_ROLES = ("cogs", "price_variance", "inventory_adjustments")
EXCHANGE_ROLES = ("fx_gain", "fx_loss")
CASH_ROLES = ("cash", "bank")
# Operating expenses: expense accounts that are neither cost of sales nor exchange differences (the semantic
# model's operating_expenses reads this too).
NOT_OPERATING_EXPENSE_ROLES = COST_OF_SALES_ROLES + ("fx_loss",)


@dataclass(frozen=True)
class StatementLine:
    """One account on a statement, or one classified flow on the cash flow: amount signed the statement's way
    (revenue and liabilities positive when credit, assets and expenses positive when debit)."""

    key: str                 # the account code, or a cash-flow class
    name: str
    name_vi: str
    amount: Decimal
    role: str | None = None

    def label(self, language: str) -> str:
        return self.name_vi if language == "vi" and self.name_vi else self.name


@dataclass
class Section:
    key: str
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def amount(self, role: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.role == role), ZERO)


def _line(row: BalanceRow, amount: Decimal, role: str | None) -> StatementLine:
    return StatementLine(row.code, row.name, row.name_vi or row.name, amount, role)


def _roles(session: Session) -> dict[int, str | None]:
    return dict(session.execute(select(Account.id, Account.role)).all())


# --- profit and loss -----------------------------------------------------------------------------------------

@dataclass
class ProfitAndLoss:
    start: date
    end: date
    revenue: Section
    cost_of_sales: Section
    operating_expenses: Section
    exchange: Section        # gains positive, losses negative

    @property
    def gross_profit(self) -> Decimal:
        return self.revenue.total - self.cost_of_sales.total

    @property
    def operating_profit(self) -> Decimal:
        return self.gross_profit - self.operating_expenses.total

    @property
    def net_profit(self) -> Decimal:
        return self.operating_profit + self.exchange.total


def profit_and_loss(session: Session, start: date, end: date) -> ProfitAndLoss:
    """The revenue and expense accounts' movements dated in [start, end]."""
    roles = _roles(session)
    pnl = ProfitAndLoss(start, end, Section("revenue"), Section("cost_of_sales"), Section("operating_expenses"),
                        Section("exchange"))
    for row in trial_balance(session, as_of=end, date_from=start):
        role = roles.get(row.account_id)
        if row.kind == "revenue":
            target = pnl.exchange if role == "fx_gain" else pnl.revenue
            target.lines.append(_line(row, -row.balance, role))
        elif row.kind == "expense":
            if role in COST_OF_SALES_ROLES:
                pnl.cost_of_sales.lines.append(_line(row, row.balance, role))
            elif role == "fx_loss":
                pnl.exchange.lines.append(_line(row, row.balance * -1, role))
            else:
                pnl.operating_expenses.lines.append(_line(row, row.balance, role))
    return pnl


def net_profit(session: Session, start: date | None, end: date) -> Decimal:
    """Revenue accounts' credits less debits minus expense accounts' debits less credits, dated in [start, end]
    (start None: from the first entry)."""
    line, account = JournalLine.__table__.c, Account.__table__.c
    stmt = (select(func.sum(line.credit) - func.sum(line.debit)).join(Account.__table__, account.id == line.account_id)
            .where(account.kind.in_(("revenue", "expense")), line.entry_date <= end))
    if start is not None:
        stmt = stmt.where(line.entry_date >= start)
    return session.execute(stmt).scalar_one() or ZERO


# --- balance sheet -----------------------------------------------------------------------------------------------

def year_start(day: date) -> date:
    """The first day of the financial year `day` falls in (the calendar year)."""
    return date(day.year, 1, 1)


@dataclass
class BalanceSheet:
    as_of: date
    assets: Section
    liabilities: Section
    equity: Section          # the equity accounts, then earlier years' and this year's earnings

    @property
    def liabilities_and_equity(self) -> Decimal:
        return self.liabilities.total + self.equity.total

    def amount(self, role: str) -> Decimal:
        """The line of the account with this role (signed as the sheet shows it)."""
        return self.assets.amount(role) + self.liabilities.amount(role) + self.equity.amount(role)


CURRENT_EARNINGS = StatementLine("current_year_earnings", "Earnings of the current year", "Lợi nhuận năm nay", ZERO,
                                 "current_year_earnings")
PRIOR_EARNINGS = StatementLine("prior_years_earnings", "Earnings of earlier years not yet closed",
                               "Lợi nhuận các năm trước chưa kết chuyển", ZERO, "prior_years_earnings")


def balance_sheet(session: Session, as_of: date) -> BalanceSheet:
    """Asset, liability and equity accounts' balances on `as_of`; the revenue and expense accounts' balances become
    the year's earnings (from the start of the financial year) and earlier years' earnings (no closing entries are
    posted, so they stay in the income accounts), so assets = liabilities + equity."""
    roles = _roles(session)
    sheet = BalanceSheet(as_of, Section("assets"), Section("liabilities"), Section("equity"))
    first = year_start(as_of)
    for row in trial_balance(session, as_of=as_of):
        role = roles.get(row.account_id)
        if row.kind == "asset":
            sheet.assets.lines.append(_line(row, row.balance, role))
        elif row.kind == "liability":
            sheet.liabilities.lines.append(_line(row, -row.balance, role))
        elif row.kind == "equity":
            sheet.equity.lines.append(_line(row, -row.balance, role))
    this_year = net_profit(session, first, as_of)
    earlier = net_profit(session, None, first - timedelta(days=1))
    sheet.equity.lines.append(StatementLine(PRIOR_EARNINGS.key, PRIOR_EARNINGS.name, PRIOR_EARNINGS.name_vi, earlier,
                                            PRIOR_EARNINGS.role))
    sheet.equity.lines.append(StatementLine(CURRENT_EARNINGS.key, CURRENT_EARNINGS.name, CURRENT_EARNINGS.name_vi,
                                            this_year, CURRENT_EARNINGS.role))
    return sheet


def account_balance(session: Session, roles: tuple[str, ...], as_of: date) -> Decimal:
    """Debits less credits on the accounts with these roles, dated on or before `as_of`."""
    line, account = JournalLine.__table__.c, Account.__table__.c
    return session.execute(
        select(func.sum(line.debit) - func.sum(line.credit)).join(Account.__table__, account.id == line.account_id)
        .where(account.role.in_(roles), line.entry_date <= as_of)).scalar_one() or ZERO


# --- cash flow -----------------------------------------------------------------------------------------------

# Cash-flow classes, by the account on the other side of a cash or bank line: (key, section, English, Vietnamese).
FLOW_CLASSES: tuple[tuple[str, str, str, str], ...] = (
    ("customers", "operating", "Received from customers", "Tiền thu từ khách hàng"),
    ("suppliers", "operating", "Paid to suppliers", "Tiền trả nhà cung cấp"),
    ("vat", "operating", "VAT paid and refunded", "Thuế GTGT nộp và được hoàn"),
    ("expenses", "operating", "Expenses and income paid in cash", "Chi phí và thu nhập bằng tiền"),
    ("exchange", "operating", "Exchange differences on payments", "Chênh lệch tỷ giá khi thanh toán"),
    ("other_operating", "operating", "Other operating flows", "Dòng tiền hoạt động khác"),
    ("investing", "investing", "Investing (other assets)", "Hoạt động đầu tư (tài sản khác)"),
    ("financing", "financing", "Financing (owners and loans)", "Hoạt động tài chính (chủ sở hữu và khoản vay)"),
)
CASH_FLOW_SECTIONS = ("operating", "investing", "financing")


def flow_class(kind: str, role: str | None) -> str:
    """The cash-flow class of money that moved against an account of this kind and role."""
    if role in ("receivables", "customer_advances"):
        return "customers"
    if role == "payables":
        return "suppliers"
    if role in ("vat_input", "vat_output"):
        return "vat"
    if role in EXCHANGE_ROLES:
        return "exchange"
    if kind in ("revenue", "expense"):
        return "expenses"
    if kind == "equity":
        return "financing"
    if role is None and kind == "asset":
        return "investing"
    if role is None and kind == "liability":
        return "financing"
    return "other_operating"


@dataclass
class CashFlow:
    start: date
    end: date
    opening: Decimal
    sections: dict[str, Section]

    @property
    def net_change(self) -> Decimal:
        return sum((section.total for section in self.sections.values()), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.net_change


def cash_flow(session: Session, start: date, end: date) -> CashFlow:
    """Opening cash (cash and bank accounts before `start`), the period's movements and the closing cash.

    In each entry that touches a cash or bank account, every other line is money that came in (its credits) or
    went out (its debits) for that line's reason, so the classes add up to the change in cash exactly; a transfer
    between cash and bank has no other line and moves nothing."""
    line, account = JournalLine.__table__.c, Account.__table__.c
    cash_ids = select(Account.id).where(Account.role.in_(CASH_ROLES))
    touching = (select(line.entry_id).where(line.account_id.in_(cash_ids), line.entry_date >= start,
                                            line.entry_date <= end).distinct())
    rows = session.execute(
        select(account.kind, account.role, func.sum(line.credit) - func.sum(line.debit))
        .join(Account.__table__, account.id == line.account_id)
        .where(line.entry_id.in_(touching), line.account_id.not_in(cash_ids))
        .group_by(account.kind, account.role)).all()
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for kind, role, amount in rows:
        amounts[flow_class(kind, role)] += amount or ZERO
    sections = {key: Section(key) for key in CASH_FLOW_SECTIONS}
    for key, section, en, vi in FLOW_CLASSES:
        if key in amounts:
            sections[section].lines.append(StatementLine(key, en, vi, amounts[key], key))
    opening = account_balance(session, CASH_ROLES, start - timedelta(days=1))
    return CashFlow(start, end, opening, sections)


# --- inventory valuation -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InventoryValue:
    product_id: int | None
    value: Decimal


def inventory_values(session: Session, as_of: date) -> list[InventoryValue]:
    """The inventory account's balance on `as_of` per product (lines without a product, such as a manual entry,
    under None): what the balance sheet's inventory is made of."""
    line = JournalLine.__table__.c
    inventory = select(Account.id).where(Account.role == "inventory")
    rows = session.execute(
        select(line.product_id, func.sum(line.debit) - func.sum(line.credit))
        .where(line.account_id.in_(inventory), line.entry_date <= as_of).group_by(line.product_id)).all()
    return [InventoryValue(product_id, value or ZERO) for product_id, value in rows]
