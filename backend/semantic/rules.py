"""The business definitions of ARCHITECTURE.md, each written once: what counts as revenue, which orders are open
or count towards credit exposure, what an invoice still owes on a day, how debts are aged, when an account goes
on hold, which opportunities are open and how deals and quotes are won. The measures, the tools, the reports,
the customer brief and the demo summary all use these; none writes its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation
from backend.ledger import MissingFxRate, RateBook
from backend.models import Invoice, Payment, PaymentAllocation, SupplierBill, SupplierPayment, SupplierPaymentAllocation
from backend.models.crm import OPPORTUNITY_STAGES

ZERO = Decimal(0)

# --- sales -------------------------------------------------------------------------------------------------------

# Revenue = net line amounts (after discounts, before VAT) of orders that are not cancelled, dated by order date, in
# the base currency at the FX rate of the order date (stored on the order and its lines when they are priced).
REVENUE_EXCLUDED_ORDER_STATUSES = ("cancelled",)


def counts_as_revenue(status: ColumnElement) -> ColumnElement[bool]:
    """The revenue filter: the order is not cancelled (drafts count)."""
    return status.not_in(REVENUE_EXCLUDED_ORDER_STATUSES)


# Open orders: entered (draft) or confirmed, not yet shipped.
OPEN_ORDER_STATUSES = ("draft", "confirmed")
# Orders that count towards credit exposure until they are invoiced; drafts and cancelled orders never count,
# invoiced orders count through their invoices.
EXPOSURE_ORDER_STATUSES = ("confirmed", "shipped")


def not_yet_invoiced(order_id: ColumnElement) -> ColumnElement[bool]:
    """The order has no invoice that is not void."""
    return ~exists().where(and_(Invoice.order_id == order_id, Invoice.status != "void"))


def uninvoiced_exposure(status: ColumnElement, order_id: ColumnElement) -> ColumnElement[bool]:
    """An order that counts towards credit exposure: confirmed or shipped and not yet invoiced."""
    return and_(status.in_(EXPOSURE_ORDER_STATUSES), not_yet_invoiced(order_id))


def order_status_on(status: ColumnElement, shipped_date: ColumnElement, order_id: ColumnElement,
                    day: date) -> ColumnElement[str]:
    """An order's status as it stood on `day`: not shipped yet when its shipping date is later (imported books run past
    the day asked about), not invoiced yet when none of its invoices (void or not) is dated by then. `query_data` groups and
    filters orders by it, and the order_status tool shows each order's status with it."""
    invoiced_by_then = exists().where(and_(Invoice.order_id == order_id, Invoice.issue_date <= day))
    return case((and_(status.in_(("shipped", "invoiced")), shipped_date > day), "confirmed"),
                (and_(status == "invoiced", ~invoiced_by_then), "shipped"), else_=status)


# --- receivables -------------------------------------------------------------------------------------------------

AGING_BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_91_plus")
# Upper bound of days past due per bucket (current: not yet due, or due that day).
_BUCKET_LIMITS = ((0, "current"), (30, "days_1_30"), (60, "days_31_60"), (90, "days_61_90"))
# Credit policy: an account goes on hold when an open invoice is this many days past due or more.
CREDIT_HOLD_DAYS = 60


def bucket_of(days_past_due: int) -> str:
    for limit, bucket in _BUCKET_LIMITS:
        if days_past_due <= limit:
            return bucket
    return "days_91_plus"


def aging_bucket_sql(due_date: ColumnElement, as_of: date) -> ColumnElement[str]:
    """bucket_of(as_of - due_date) in SQL, with the bounds computed here (portable date arithmetic)."""
    return case(*[(due_date >= as_of - timedelta(days=limit), bucket) for limit, bucket in _BUCKET_LIMITS],
                else_="days_91_plus")


def allocated_by(invoice_id: ColumnElement, as_of: date | None) -> ColumnElement[Decimal]:
    """Payments applied to the invoice, counting only payments made on or before `as_of` (None: all of them)."""
    stmt = select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(PaymentAllocation.invoice_id == invoice_id)
    if as_of is not None:
        stmt = stmt.join(Payment, Payment.id == PaymentAllocation.payment_id).where(Payment.paid_on <= as_of)
    return stmt.correlate_except(PaymentAllocation, Payment).scalar_subquery()


def open_invoice_candidates(as_of) -> ColumnElement[bool]:
    """Invoices that may have a balance on `as_of` (a date or a bound parameter): issued by then, not void; open, or
    paid by payments of which one is dated after `as_of` (a paid invoice's status counts every payment recorded,
    post-dated ones too, so it says nothing about an earlier day)."""
    paid_later = (select(PaymentAllocation.invoice_id).join(Payment, Payment.id == PaymentAllocation.payment_id)
                  .where(Payment.paid_on > as_of))
    return and_(Invoice.issue_date <= as_of,
                or_(Invoice.status == "open", and_(Invoice.status == "paid", Invoice.id.in_(paid_later))))


def open_balance(as_of: date | None = None) -> ColumnElement[Decimal]:
    """An invoice's open balance on `as_of`: its amount minus the payments applied by then (None: all of them,
    which is the balance today)."""
    return Invoice.amount - allocated_by(Invoice.id, as_of)


def is_overdue(due_date: ColumnElement, as_of: date) -> ColumnElement[bool]:
    """Overdue: past its due date (an invoice due on `as_of` is not overdue yet)."""
    return due_date < as_of


# --- payables ---------------------------------------------------------------------------------------------------

# Payables = open supplier bills minus the supplier payments applied to them, aged with the receivables' buckets
# (bucket_of / aging_bucket_sql over the bill's due date).

def bill_allocated_by(bill_id: ColumnElement, as_of: date | None) -> ColumnElement[Decimal]:
    """Supplier payments applied to the bill, counting only payments made on or before `as_of` (None: all)."""
    stmt = (select(func.coalesce(func.sum(SupplierPaymentAllocation.amount), 0))
            .where(SupplierPaymentAllocation.bill_id == bill_id))
    if as_of is not None:
        stmt = (stmt.join(SupplierPayment, SupplierPayment.id == SupplierPaymentAllocation.payment_id)
                .where(SupplierPayment.paid_on <= as_of))
    return stmt.correlate_except(SupplierPaymentAllocation, SupplierPayment).scalar_subquery()


def open_bill_candidates(as_of) -> ColumnElement[bool]:
    """Bills that may have a balance on `as_of`, by the same reasoning as open_invoice_candidates: dated by then,
    not void; open, or paid by a payment dated after `as_of`."""
    paid_later = (select(SupplierPaymentAllocation.bill_id)
                  .join(SupplierPayment, SupplierPayment.id == SupplierPaymentAllocation.payment_id)
                  .where(SupplierPayment.paid_on > as_of))
    return and_(SupplierBill.bill_date <= as_of, or_(SupplierBill.status == "open",
                                                    and_(SupplierBill.status == "paid", SupplierBill.id.in_(paid_later))))


# Purchase orders whose outstanding units (ordered minus received) are coming: reorder_stock does not order them
# again, and they are the units on order.
ON_ORDER_STATUSES = ("draft", "sent", "partially_received")


def bill_open_balance(as_of: date | None = None) -> ColumnElement[Decimal]:
    """A supplier bill's open balance on `as_of`: its total minus the payments applied by then (None: all)."""
    return SupplierBill.total - bill_allocated_by(SupplierBill.id, as_of)


def counts_as_purchase(status: ColumnElement, purchase_order_id: ColumnElement) -> ColumnElement[bool]:
    """Purchases = supplier bills for goods (on a purchase order) that are not void, net of VAT, by bill date; a bill
    without an order is a service or an expense, not a purchase of stock."""
    return and_(status != "void", purchase_order_id.is_not(None))


# --- commissions and customer value -------------------------------------------------------------------------------

# Commission = TANDEM_COMMISSION_RATE_PCT % of the net amount (after discounts, before VAT, in the base currency) of
# the orders whose invoice is paid in full, credited to the order's salesperson, dated by the day the payment that
# completed it came in. An invoice not yet paid in full earns nothing yet.
# Customer lifetime value = gross margin (not revenue) per buying customer over a year × the expected years a
# customer keeps buying (TANDEM_CUSTOMER_LIFETIME_YEARS); a period other than a year is scaled to one.

def paid_invoices():
    """Invoices paid in full, with the day the last payment applied to them came in (`paid_on`)."""
    return (select(Invoice.id.label("id"), Invoice.order_id.label("order_id"), Invoice.customer_id.label("customer_id"),
                   func.max(Payment.paid_on).label("paid_on"))
            .join(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(Invoice.status == "paid").group_by(Invoice.id, Invoice.order_id, Invoice.customer_id)
            .subquery("paid_invoices"))


def commission(net_paid: Decimal, rate_pct: Decimal, currency: str) -> Decimal:
    from backend.money import round_money

    return round_money(net_paid * rate_pct / 100, currency)


def lifetime_value(margin: Decimal, customers: int, days: int, lifetime_years: Decimal, currency: str) -> Decimal | None:
    """Customer lifetime value from a period's gross margin and buying customers (None without either)."""
    from backend.money import round_money

    if not customers or days <= 0 or margin is None:
        return None
    return round_money(Decimal(margin) / customers * Decimal(365) / days * lifetime_years, currency)


# --- pipeline, quotes, support -----------------------------------------------------------------------------------

OPEN_STAGES = tuple(stage for stage in OPPORTUNITY_STAGES if not stage.startswith("closed_"))
WON_STAGE, LOST_STAGE = "closed_won", "closed_lost"
# A quote is won when it became an order; lost when rejected or expired; still open otherwise.
QUOTE_WON = ("converted",)
QUOTE_DECIDED = ("converted", "rejected", "expired")
OPEN_TICKET_STATUSES = ("open", "pending")


def ticket_open_at(status: ColumnElement, opened_at: ColumnElement, closed_at: ColumnElement, instant) -> ColumnElement[bool]:
    """A ticket is open at an instant when it was opened by then and not closed by then."""
    closed_by_then = and_(status == "closed", or_(closed_at.is_(None), closed_at <= instant))
    return and_(opened_at <= instant, not_(closed_by_then))


# --- money in another currency --------------------------------------------------------------------------------------

def rates(session: Session, base_currency: str | None = None) -> RateBook:
    """The FX converter for one request: every tool, report and query converts through a RateBook."""
    return RateBook(session, base_currency)


def rate_or_refuse(book: RateBook, currency: str, on: date, what: str = "amounts") -> Decimal:
    try:
        return book.rate(currency, on)
    except MissingFxRate:
        raise BusinessRuleViolation(f"There is no {currency}→{book.base} FX rate on or before {on.isoformat()}, so "
                                    f"{currency} {what} can't be converted.",
                                    hint="Ask finance to add the rate to the FX rates table and try again.") from None


@dataclass
class CustomerCurrency:
    """Brings document amounts into one customer's currency for their credit position.

    A document in that currency is taken as is; any other goes to the base currency at the document's own rate
    (or the day's rate when it has none) and from there to the customer's currency at the day's rate."""

    book: RateBook
    target: str
    on: date

    def _rate(self, currency: str) -> Decimal:
        return rate_or_refuse(self.book, currency, self.on)

    def from_base(self, amount_base: Decimal) -> Decimal:
        return amount_base / self._rate(self.target)

    def convert(self, amount: Decimal, currency: str, base_rate: Decimal | None = None) -> Decimal:
        if currency == self.target:
            return amount
        return self.from_base(amount * (base_rate if base_rate is not None else self._rate(currency)))
