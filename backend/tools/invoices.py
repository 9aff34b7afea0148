"""Where one invoice stands, asked by its number: who owes it, what was paid against it, what is still open and
how late it is — by the receivables rules of backend.semantic.rules."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from backend.errors import NotFound, PermissionDenied
from backend.models import (
    Customer,
    Invoice,
    Payment,
    PaymentAllocation,
    Product,
    SalesOrder,
    SalesOrderLine,
    Ticket,
)
from backend.money import format_money, round_money
from backend.roles import may_see_accounts_of
from backend.semantic import rules
from backend.text import say
from backend.tools.context import ToolContext
from backend.tools.lookup import find_by_number
from backend.tools.registry import register
from backend.tools.schema import ToolModel
from backend.words import word

ZERO = Decimal(0)
AgingBucket = Literal["current", "days_1_30", "days_31_60", "days_61_90", "days_91_plus"]
assert set(AgingBucket.__args__) == set(rules.AGING_BUCKETS)  # type: ignore[attr-defined]


class InvoiceStatusInput(ToolModel):
    invoice: str = Field(min_length=1, max_length=Invoice.__table__.c.number.type.length,
                         description="Invoice number as the user wrote it, any letter case (INV-2026-001263, "
                                     "BI-17-01510)")
    language: Literal["en", "vi"] | None = Field(None, description="Language of `summary`: the user's (vi for "
                                                                   "Vietnamese; default en)")


class AppliedPayment(ToolModel):
    paid_on: date
    amount: Decimal = Field(description="The part of the payment applied to this invoice, in the invoice currency")
    method: str | None = None
    reference: str | None = None


class InvoicedLine(ToolModel):
    sku: str
    name: str
    quantity: int
    unit_price: Decimal = Field(description="In the invoice currency")
    line_amount: Decimal = Field(description="Net of discount, before VAT, in the invoice currency")


class InvoiceStatusResult(ToolModel):
    number: str
    customer_code: str
    customer_name: str
    order_number: str | None = Field(None, description="The sales order invoiced, if any")
    issue_date: date
    due_date: date
    currency: str
    amount: Decimal = Field(description="Invoice amount, VAT included")
    paid_amount: Decimal = Field(description="Payments applied to the invoice")
    open_balance: Decimal = Field(description="amount - paid_amount; 0 when void")
    base_currency: str
    fx_rate: Decimal = Field(description="The invoice's rate: units of base currency per unit of its currency")
    open_balance_base: Decimal = Field(description="open_balance in the base currency at the invoice's rate")
    status: Literal["open", "paid", "void"]
    overdue: bool = Field(description="Open with a balance and past its due date")
    days_overdue: int = Field(description="Days past the due date while a balance is open; 0 otherwise")
    aging_bucket: AgingBucket | None = Field(None, description="Aging of the open balance; None when nothing is open")
    payments: list[AppliedPayment] = Field(description="Payments applied, oldest first")
    lines: list[InvoicedLine] = Field(default_factory=list, description=(
        "What was sold: the lines of the order invoiced (empty for an invoice of no order)"))
    summary: str = Field(description="One sentence on where the invoice stands, in the language asked for")


def _not_found(ctx: ToolContext, reference: str) -> NotFound:
    """NotFound whose hint points the asker at what the number is, when it is another kind of document."""
    number = reference.strip()
    order = find_by_number(ctx.session, SalesOrder, number)
    if order is not None:
        invoiced = ctx.session.execute(select(Invoice.number).where(Invoice.order_id == order.id)
                                       .order_by(Invoice.issue_date, Invoice.id)).scalars().all()
        hint = (f"{order.number} is a sales order; its invoices: {', '.join(invoiced)}." if invoiced else
                f"{order.number} is a sales order with no invoice yet; order_status shows it.")
    elif find_by_number(ctx.session, Ticket, number) is not None:
        hint = f"{number} is a support ticket number; list_tickets shows it."
    else:
        hint = ("Check the number as it is printed on the invoice (e.g. INV-2026-000123), or ask for the customer's "
                "open invoices.")
    return NotFound(f"There is no invoice {number}.", hint=hint)


def _summary(r: InvoiceStatusResult, lang: str | None, today: date, last_paid: date | None) -> str:
    def money(amount: Decimal) -> str:
        return format_money(amount, r.currency)

    who = f"{r.customer_name} ({r.customer_code})"
    head = say(lang, f"Invoice {r.number} for {who}, issued {r.issue_date.isoformat()}, due {r.due_date.isoformat()}: "
                     f"{money(r.amount)}",
               f"Hóa đơn {r.number} của {who}, lập ngày {r.issue_date.isoformat()}, hạn {r.due_date.isoformat()}: "
               f"{money(r.amount)}")
    if r.status == "void":
        return head + say(lang, "; it is void, so nothing is owed.", "; hóa đơn đã hủy nên không còn nợ.")
    if r.open_balance <= 0:
        paid = say(lang, f", paid in full (last payment {last_paid.isoformat()}).",
                   f", đã thanh toán đủ (lần cuối ngày {last_paid.isoformat()}).") if last_paid else \
            say(lang, ", nothing is open.", ", không còn nợ.")
        return head + paid
    paid = (say(lang, f", {money(r.paid_amount)} paid", f", đã trả {money(r.paid_amount)}") if r.paid_amount else
            say(lang, ", nothing paid yet", ", chưa thanh toán"))
    text = head + paid + say(lang, f", {money(r.open_balance)} still open", f", còn nợ {money(r.open_balance)}")
    if r.currency != r.base_currency:
        base = format_money(r.open_balance_base, r.base_currency)
        text += say(lang, f" ({base} at the invoice's rate)", f" ({base} theo tỷ giá của hóa đơn)")
    if r.overdue:
        bucket = word(r.aging_bucket, lang).lower()
        text += say(lang, f", {r.days_overdue} days overdue ({bucket}).", f", quá hạn {r.days_overdue} ngày ({bucket}).")
    elif r.due_date == today:
        text += say(lang, ", due today.", ", đến hạn hôm nay.")
    else:
        text += say(lang, ", not yet due.", ", chưa đến hạn.")
    return text


@register(kind="read")
def invoice_status(ctx: ToolContext, params: InvoiceStatusInput) -> InvoiceStatusResult:
    """One invoice by its number: customer, order, dates, amount, payments applied, open balance, days overdue, aging."""
    session = ctx.session
    invoice = find_by_number(session, Invoice, params.invoice)
    if invoice is None:
        raise _not_found(ctx, params.invoice)
    customer, order_number, balance, past_due = session.execute(
        select(Customer, SalesOrder.number, rules.open_balance(ctx.today).label("balance"),
               rules.is_overdue(Invoice.due_date, ctx.today).label("past_due"))
        .select_from(Invoice).join(Customer, Customer.id == Invoice.customer_id)
        .outerjoin(SalesOrder, SalesOrder.id == Invoice.order_id).where(Invoice.id == invoice.id)).one()
    if not may_see_accounts_of(ctx.role, ctx.actor.id, customer.owner_id):
        raise PermissionDenied(f"Invoice {invoice.number} is not for one of your customers; sales reps see the "
                               "invoices of the customers they own.",
                               hint="Ask finance, or the customer's owner, about this invoice.")
    payments = [AppliedPayment(paid_on=paid_on, amount=amount, method=method, reference=reference)
                for paid_on, amount, method, reference in session.execute(
                    select(Payment.paid_on, PaymentAllocation.amount, Payment.method, Payment.reference)
                    .join(Payment, Payment.id == PaymentAllocation.payment_id)
                    .where(PaymentAllocation.invoice_id == invoice.id, Payment.paid_on <= ctx.today)
                    .order_by(Payment.paid_on, Payment.id, PaymentAllocation.id))]
    lines = [InvoicedLine(sku=sku, name=name, quantity=quantity, unit_price=price, line_amount=amount)
             for sku, name, quantity, price, amount in session.execute(
                 select(Product.sku, Product.name, SalesOrderLine.quantity, SalesOrderLine.unit_price,
                        SalesOrderLine.line_amount).join(Product, Product.id == SalesOrderLine.product_id)
                 .where(SalesOrderLine.order_id == invoice.order_id).order_by(SalesOrderLine.line_no))] \
        if invoice.order_id is not None else []
    # Void invoices are no receivable (rules.open_invoice_candidates), whatever was applied to them.
    open_balance = ZERO if invoice.status == "void" else balance
    base = ctx.base_currency
    open_base = open_balance if invoice.currency == base else round_money(open_balance * invoice.fx_rate, base)
    days_past_due = (ctx.today - invoice.due_date).days
    # As of today: a payment dated later (post-dated) has not reduced the balance yet, whatever the status says.
    status = "open" if invoice.status == "paid" and open_balance > 0 else invoice.status
    owing = status == "open" and open_balance > 0
    overdue = owing and bool(past_due)
    result = InvoiceStatusResult(
        number=invoice.number, customer_code=customer.code, customer_name=customer.name, order_number=order_number,
        issue_date=invoice.issue_date, due_date=invoice.due_date, currency=invoice.currency, amount=invoice.amount,
        paid_amount=sum((p.amount for p in payments), ZERO), open_balance=open_balance, base_currency=base,
        fx_rate=invoice.fx_rate, open_balance_base=open_base, status=status, overdue=overdue,
        days_overdue=days_past_due if overdue else 0,
        aging_bucket=rules.bucket_of(days_past_due) if owing else None, payments=payments, lines=lines, summary="")
    result.summary = _summary(result, params.language, ctx.today, payments[-1].paid_on if payments else None)
    return result
