"""Credit control: limit, outstanding, exposure, available credit, overdue and aging of one customer, and
whether it can take a given order. `credit_snapshot` is the one implementation other tools reuse."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.orm import Session

from backend.errors import PermissionDenied, ValidationFailed
from backend.ledger import MissingFxRate, cross_rate
from backend.models import Customer, Invoice, Payment, PaymentAllocation, SalesOrder
from backend.money import format_money, round_money
from backend.roles import may_see_accounts_of
from backend.semantic import rules
from backend.semantic.rules import CREDIT_HOLD_DAYS, CustomerCurrency
from backend.text import say
from backend.tools.context import ToolContext
from backend.tools.lookup import resolve_customer
from backend.tools.registry import register
from backend.tools.schema import ToolModel

# Credit is "nearly used" from this share of the limit (percent).
NEARLY_USED_PCT = Decimal(90)
ZERO = Decimal(0)


def one_year_before(day: date) -> date:
    """The same calendar day a year earlier (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class AgingBuckets(ToolModel):
    """Open balances of open invoices by days past their due date, as of `as_of`."""

    current: Decimal = Field(description="Not yet due (due today or later)")
    days_1_30: Decimal = Field(description="1 to 30 days past due")
    days_31_60: Decimal = Field(description="31 to 60 days past due")
    days_61_90: Decimal = Field(description="61 to 90 days past due")
    days_91_plus: Decimal = Field(description="91 or more days past due")


class PaymentBehaviour(ToolModel):
    paid_invoice_count: int = Field(
        description="How many invoices the figures are based on: invoices fully paid in the last 12 months")
    since: date = Field(description="Start of the 12-month window (paid on or after this date)")
    avg_days_late: Decimal | None = Field(
        description="Average days between due date and the payment that settled the invoice; early or on-time "
                    "payment counts as 0. None when no invoice was paid in the window")
    late_count: int = Field(description="Invoices among them that were paid after their due date")
    max_days_late: int | None = Field(description="The latest any of them was paid, in days past due")
    summary: str = Field(description="The same in one plain sentence, naming how many invoices it is based on")


class CreditStatus(ToolModel):
    """A customer's credit position; all amounts in the customer's currency."""

    customer_code: str
    customer_name: str
    currency: str = Field(description="The customer's currency; every amount here is in it")
    as_of: date = Field(description="The day the figures are computed for (today in the company's time zone)")
    limit_configured: bool = Field(
        description="False when no credit limit is set: no credit check is configured (not the same as unlimited)")
    credit_limit: Decimal | None = Field(description="The credit limit; 0 means cash only, None means not set")
    cash_only: bool = Field(description="True when the limit is 0: every order must be prepaid")
    outstanding: Decimal = Field(
        description="Open invoice amounts minus the payments applied to them (status 'open' only; void and paid "
                    "invoices excluded)")
    open_invoice_count: int = Field(description="Open invoices with a balance still to pay")
    uninvoiced_orders: Decimal = Field(
        description="Value of orders in status confirmed or shipped that have no (non-void) invoice yet: the "
                    "order's net amount as stored, excluding VAT (VAT is added on the invoice). Draft, cancelled "
                    "and invoiced orders do not count; a partly invoiced order counts through its invoices only")
    uninvoiced_order_count: int
    exposure: Decimal = Field(description="Outstanding + uninvoiced_orders")
    available: Decimal | None = Field(
        description="Credit limit - exposure; negative when over the limit; 0 for a cash-only customer; None when "
                    "no limit is set")
    used_pct: Decimal | None = Field(
        description="Exposure as a percentage of the limit (one decimal, rounded down); None when the limit is 0 or not set")
    over_limit: bool = Field(description="Exposure is above the configured limit")
    overdue_amount: Decimal = Field(description="Open balance of open invoices past their due date")
    overdue_invoice_count: int
    oldest_overdue_days: int | None = Field(description="Days past due of the oldest overdue invoice; None if none")
    oldest_overdue_invoice: str | None = Field(None, description="Number of that invoice")
    on_credit_hold: bool = Field(
        description=f"Credit policy: an open invoice is {CREDIT_HOLD_DAYS} or more days past due; orders can be "
                    "entered but not confirmed until finance releases the hold")
    aging: AgingBuckets
    payment_behaviour: PaymentBehaviour
    payment_terms_days: int | None = Field(None, description="Net payment terms in days after the invoice date")
    next_due_date: date | None = Field(None, description="The earliest due date of the open invoices not yet overdue")
    next_due_invoice: str | None = Field(None, description="Number of that invoice")

    @property
    def limit(self) -> Decimal | None:
        """Short name for credit_limit."""
        return self.credit_limit


@dataclass
class _OpenInvoice:
    number: str
    due_date: date
    balance: Decimal


# The statements are built once; each call only binds the customer (and a date). Building a select costs
# more client time than running these indexed queries.
_CUSTOMER = bindparam("customer_id")
_AS_OF = bindparam("as_of", type_=Date())
# Open on the day of the check: payments dated later (post-dated ones) do not reduce it yet.
OPEN_INVOICES = (select(Invoice.number, Invoice.due_date, Invoice.currency, Invoice.fx_rate,
                        rules.open_balance(_AS_OF).label("balance"))
                 .where(Invoice.customer_id == _CUSTOMER, rules.open_invoice_candidates(_AS_OF)))
UNINVOICED_ORDERS = (
    select(SalesOrder.currency, func.count(), func.sum(SalesOrder.net_amount), func.sum(SalesOrder.net_amount_base))
    .where(SalesOrder.customer_id == _CUSTOMER, rules.uninvoiced_exposure(SalesOrder.status, SalesOrder.id))
    .group_by(SalesOrder.currency))
_SETTLED_ON = func.max(Payment.paid_on)
# Invoices paid in full, with the date of the payment that settled them (the last one applied).
SETTLED_INVOICES = (select(Invoice.due_date, _SETTLED_ON)
                    .join(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
                    .join(Payment, Payment.id == PaymentAllocation.payment_id)
                    .where(Invoice.customer_id == _CUSTOMER, Invoice.status == "paid")
                    .group_by(Invoice.id, Invoice.due_date)
                    .having(_SETTLED_ON >= bindparam("since", type_=Date())))


def _open_invoices(session: Session, customer: Customer, convert: CustomerCurrency, today: date) -> list[_OpenInvoice]:
    result = []
    for row in session.execute(OPEN_INVOICES, {"customer_id": customer.id, "as_of": today}):
        balance = row.balance
        if balance > 0:
            converted = round_money(convert.convert(balance, row.currency, row.fx_rate), convert.target)
            result.append(_OpenInvoice(row.number, row.due_date, converted))
    return result


def _uninvoiced_orders(session: Session, customer: Customer, convert: CustomerCurrency) -> tuple[Decimal, int]:
    total, count = ZERO, 0
    for currency, n, net, net_base in session.execute(UNINVOICED_ORDERS, {"customer_id": customer.id}):
        count += n
        total += (net or ZERO) if currency == convert.target else convert.from_base(net_base or ZERO)
    return total, count


def _payment_behaviour(session: Session, customer: Customer, today: date) -> PaymentBehaviour:
    since = one_year_before(today)
    rows = session.execute(SETTLED_INVOICES, {"customer_id": customer.id, "since": since}).all()
    lateness = [max((paid_on - due).days, 0) for due, paid_on in rows if paid_on <= today]
    if not lateness:
        return PaymentBehaviour(paid_invoice_count=0, since=since, avg_days_late=None, late_count=0, max_days_late=None,
                                summary=f"No invoice was paid in full since {since.isoformat()}, so there is no "
                                        "payment record to judge.")
    average = (Decimal(sum(lateness)) / len(lateness)).quantize(Decimal("0.1"))
    late = sum(1 for d in lateness if d > 0)
    return PaymentBehaviour(
        paid_invoice_count=len(lateness), since=since, avg_days_late=average, late_count=late,
        max_days_late=max(lateness),
        summary=f"On average {average} days late, based on {len(lateness)} invoice(s) paid since {since.isoformat()} "
                f"({late} paid late, the latest {max(lateness)} days past due).")


def _aging(invoices: Iterable[_OpenInvoice], today: date) -> dict[str, Decimal]:
    buckets = dict.fromkeys(rules.AGING_BUCKETS, ZERO)
    for invoice in invoices:
        buckets[rules.bucket_of((today - invoice.due_date).days)] += invoice.balance
    return buckets


def credit_snapshot(session: Session, customer: Customer, today: date) -> CreditStatus:
    """The customer's credit position as of `today`: a handful of indexed aggregate queries, no writes."""
    currency = customer.currency
    convert = rules.CustomerCurrency(rules.rates(session), currency, today)
    invoices = _open_invoices(session, customer, convert, today)
    orders_value, order_count = _uninvoiced_orders(session, customer, convert)

    def money(value: Decimal) -> Decimal:
        return round_money(value, currency)

    outstanding = money(sum((i.balance for i in invoices), ZERO))
    uninvoiced = money(orders_value)
    exposure = outstanding + uninvoiced
    overdue = [i for i in invoices if i.due_date < today]  # rules.is_overdue
    oldest = min(overdue, key=lambda i: (i.due_date, i.number)) if overdue else None
    oldest_days = (today - oldest.due_date).days if oldest else None
    limit = customer.credit_limit
    if limit is None:
        available, used_pct = None, None
    elif limit == 0:
        available, used_pct = ZERO, None
    else:
        available = money(limit) - exposure
        used_pct = (exposure * 100 / limit).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    coming = min((i for i in invoices if i not in overdue), key=lambda i: (i.due_date, i.number),
                 default=None)
    return CreditStatus(
        next_due_date=coming.due_date if coming else None, next_due_invoice=coming.number if coming else None,
        customer_code=customer.code, customer_name=customer.name, currency=currency, as_of=today,
        limit_configured=limit is not None, credit_limit=money(limit) if limit is not None else None,
        cash_only=limit is not None and limit == 0, outstanding=outstanding, open_invoice_count=len(invoices),
        uninvoiced_orders=uninvoiced, uninvoiced_order_count=order_count, exposure=exposure, available=available,
        used_pct=used_pct, over_limit=limit is not None and exposure > limit,
        overdue_amount=money(sum((i.balance for i in overdue), ZERO)), overdue_invoice_count=len(overdue),
        oldest_overdue_days=oldest_days, oldest_overdue_invoice=oldest.number if oldest else None,
        on_credit_hold=oldest_days is not None and oldest_days >= CREDIT_HOLD_DAYS,
        aging=AgingBuckets(**{k: money(v) for k, v in _aging(invoices, today).items()}),
        payment_behaviour=_payment_behaviour(session, customer, today), payment_terms_days=customer.payment_terms_days)


class CheckCreditInput(ToolModel):
    customer: str = Field(min_length=1, max_length=200, description="Customer code or name, as the user wrote it")
    order_amount: Decimal | None = Field(
        None, gt=0, max_digits=18, decimal_places=4,
        description="An order to test against the available credit, e.g. 50000000 for \"an order of 50 million\"")
    order_currency: str | None = Field(
        None, pattern=r"^[A-Za-z]{3}$",
        description="Currency of order_amount (ISO code such as VND or USD); default: the customer's currency")
    language: Literal["en", "vi"] | None = Field(None, description="Language of the reason: the user's (vi for "
                                                                   "Vietnamese; default en)")


class CheckCreditResult(CreditStatus):
    order_amount: Decimal | None = Field(None, description="The prospective order, as asked")
    order_currency: str | None = Field(None, description="Currency of order_amount")
    order_amount_converted: Decimal | None = Field(
        None, description="The prospective order in the customer's currency (today's rate when converted)")
    exposure_after_order: Decimal | None = Field(None, description="Exposure if the order were confirmed")
    can_take_order: bool | None = Field(
        None, description="Whether the order fits: True/False when an order amount was given and a limit is set; "
                          "None when no order amount was given or no credit check is configured")
    reason: str = Field(description="The answer in plain words: why yes or no, or the credit position")


def _order_verdict(status: CreditStatus, amount: Decimal | None, shown: str | None,
                   lang: str | None = None) -> tuple[bool | None, str]:
    cur = status.currency
    name = status.customer_name
    if status.credit_limit is None:
        if amount is None:
            return None, say(lang, f"No credit limit is set for {name}, so no credit check is configured. "
                                   "This is not unlimited credit: ask finance to set a limit.",
                             f"{name} chưa có hạn mức tín dụng nên chưa được cấu hình kiểm tra tín dụng. Đây không phải "
                             "tín dụng không giới hạn: hãy đề nghị kế toán đặt hạn mức.")
        return None, say(lang, f"No credit limit is set for {name}, so an order of {shown} cannot be checked: no credit "
                               "check is configured. Ask finance to set a limit.",
                         f"{name} chưa có hạn mức tín dụng nên không kiểm tra được đơn {shown}: chưa cấu hình kiểm tra "
                         "tín dụng. Hãy đề nghị kế toán đặt hạn mức.")
    if status.cash_only:
        if amount is None:
            return None, say(lang, f"{name} is cash only (credit limit 0): every order must be prepaid.",
                             f"{name} chỉ bán thu tiền trước (hạn mức 0): mọi đơn phải trả trước.")
        return False, say(lang, f"No: {name} is cash only (credit limit 0), so an order of {shown} needs prepayment "
                                "before it can be confirmed.",
                          f"Không: {name} chỉ bán thu tiền trước (hạn mức 0), nên đơn {shown} phải được trả trước rồi "
                          "mới xác nhận được.")
    hold = say(lang, f"{name} is on credit hold: invoice {status.oldest_overdue_invoice} is {status.oldest_overdue_days} "
                     f"days past due ({CREDIT_HOLD_DAYS}+); orders can't be confirmed until finance releases the hold.",
               f"{name} đang bị khóa tín dụng: hóa đơn {status.oldest_overdue_invoice} đã quá hạn "
               f"{status.oldest_overdue_days} ngày (từ {CREDIT_HOLD_DAYS} ngày); không xác nhận được đơn cho đến khi kế "
               "toán gỡ khóa.")
    limit_text = format_money(status.credit_limit, cur)
    if amount is None:
        if status.over_limit:
            over, exposure = format_money(-status.available, cur), format_money(status.exposure, cur)
            position = say(lang, f"Over the {limit_text} limit by {over} (exposure {exposure}).",
                           f"Vượt hạn mức {limit_text} {over} (dư nợ rủi ro {exposure}).")
        else:
            available = format_money(status.available, cur)
            position = say(lang, f"Available credit is {available} of a {limit_text} limit ({status.used_pct}% used).",
                           f"Tín dụng còn lại {available} trên hạn mức {limit_text} (đã dùng {status.used_pct}%).")
        return None, f"{position} {hold}" if status.on_credit_hold else position
    after = status.exposure + amount
    if status.on_credit_hold:
        return False, say(lang, f"No: {hold}", f"Không: {hold}")
    after_text = format_money(after, cur)
    if after <= status.credit_limit:
        left = format_money(status.credit_limit - after, cur)
        return True, say(lang, f"Yes: an order of {shown} brings exposure to {after_text}, within the {limit_text} limit "
                               f"({left} left after it).",
                         f"Có: đơn {shown} đưa dư nợ rủi ro lên {after_text}, trong hạn mức {limit_text} (còn {left} "
                         "sau đơn này).")
    over, available = format_money(after - status.credit_limit, cur), format_money(status.available, cur)
    return False, say(lang, f"No: an order of {shown} would bring exposure to {after_text}, {over} over the {limit_text} "
                            f"limit; available credit is {available}.",
                      f"Không: đơn {shown} sẽ đưa dư nợ rủi ro lên {after_text}, vượt hạn mức {limit_text} {over}; tín "
                      f"dụng còn lại là {available}.")


@register(kind="read")
def check_credit(ctx: ToolContext, params: CheckCreditInput) -> CheckCreditResult:
    """Credit limit, outstanding, exposure, available credit, overdue, aging and payment behaviour of one customer; optionally whether it can take an order of a given amount."""
    customer = resolve_customer(ctx.session, params.customer)
    if not may_see_accounts_of(ctx.role, ctx.actor.id, customer.owner_id):
        raise PermissionDenied(f"{customer.name} ({customer.code}) is not one of your customers; sales reps check "
                               "credit for the customers they own.",
                               hint="Ask the customer's owner, finance or a manager.")
    today = ctx.today
    status = credit_snapshot(ctx.session, customer, today)
    amount = converted = shown = None
    order_currency = None
    if params.order_amount is not None:
        amount = params.order_amount
        order_currency = (params.order_currency or customer.currency).upper()
        if order_currency == customer.currency:
            converted = round_money(amount, customer.currency)
            shown = format_money(amount, order_currency)
        else:
            try:
                rate = cross_rate(ctx.session, order_currency, customer.currency, today)
            except MissingFxRate:
                raise ValidationFailed(
                    f"There is no exchange rate from {order_currency} to {customer.currency} on {today.isoformat()}.",
                    hint=f"Give the order amount in {customer.currency}, or ask finance to add the rate.") from None
            converted = round_money(amount * rate, customer.currency)
            shown = (f"{format_money(amount, order_currency)} "
                     + say(params.language, f"(= {format_money(converted, customer.currency)} at today's rate)",
                           f"(= {format_money(converted, customer.currency)} theo tỷ giá hôm nay)"))
    elif params.order_currency is not None:
        raise ValidationFailed("order_currency was given without order_amount.",
                               hint="Give the order amount too, or leave the currency out.")
    can_take, reason = _order_verdict(status, converted, shown, params.language)
    return CheckCreditResult(
        **status.model_dump(), order_amount=amount, order_currency=order_currency, order_amount_converted=converted,
        exposure_after_order=status.exposure + converted if converted is not None else None,
        can_take_order=can_take, reason=reason)

