"""Where an order stands: its lines, shipping, invoices and how much of them is paid."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from backend.errors import NotFound, ValidationFailed
from backend.models import Customer, Employee, Invoice, Payment, PaymentAllocation, Product, Quote, SalesOrder, SalesOrderLine
from backend.semantic import rules
from backend.tools.context import ToolContext
from backend.tools.lookup import find_by_number, resolve_customer
from backend.tools.registry import register
from backend.tools.schema import ToolModel

PaymentState = Literal["not invoiced", "unpaid", "partly paid", "paid"]


class OrderLineOut(ToolModel):
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal = Field(description="In the order's currency")
    discount_pct: Decimal
    line_amount: Decimal = Field(description="Net: quantity x unit price x (1 - discount/100)")


class InvoiceOut(ToolModel):
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    currency: str
    status: Literal["open", "paid", "void"]
    paid_amount: Decimal = Field(description="Payments applied to this invoice")
    open_balance: Decimal = Field(description="amount - paid_amount (0 for paid or void invoices)")
    overdue: bool = Field(description="Open with a balance and past its due date")


class OrderOut(ToolModel):
    number: str
    status: Literal["draft", "confirmed", "shipped", "invoiced", "cancelled"]
    customer_code: str
    customer_name: str
    order_date: date
    required_date: date | None = None
    shipped_date: date | None = None
    quote_number: str | None = Field(None, description="The quote this order came from, if any")
    salesperson: str | None = Field(None, description="The colleague the order is credited to")
    currency: str
    lines: list[OrderLineOut]
    net_amount: Decimal = Field(description="Sum of net line amounts, before tax")
    invoices: list[InvoiceOut]
    invoiced_amount: Decimal = Field(description="Sum of the order's invoices, void ones excluded")
    paid_amount: Decimal
    open_balance: Decimal
    payment_state: PaymentState


class OrderStatusInput(ToolModel):
    order: str | None = Field(None, max_length=40, description="Sales order number as written, any letter case, e.g. "
                                                               "SO-2026-000123 or BO-17-2108")
    customer: str | None = Field(None, max_length=200, description="Customer code or name: shows their latest orders")
    limit: int = Field(5, ge=1, le=50, description="How many of the customer's latest orders to show")


class OrderStatusResult(ToolModel):
    customer_code: str | None = None
    customer_name: str | None = None
    total_orders: int = Field(description="How many orders match (the customer's order count when asked by customer)")
    orders: list[OrderOut] = Field(description="Newest first")


def payment_state(invoices: list[InvoiceOut]) -> PaymentState:
    live = [i for i in invoices if i.status != "void"]
    if not live:
        return "not invoiced"
    if sum((i.open_balance for i in live), Decimal(0)) <= 0:
        return "paid"
    if sum((i.paid_amount for i in live), Decimal(0)) == 0:
        return "unpaid"
    return "partly paid"


def orders_out(ctx: ToolContext, orders: list[SalesOrder], customers: dict[int, Customer]) -> list[OrderOut]:
    """Lines, invoices, payments and source quotes of several orders in a fixed number of queries (no per-order loop)."""
    session = ctx.session
    ids = [o.id for o in orders]
    if not ids:
        return []
    lines: dict[int, list[OrderLineOut]] = {}
    for line, sku, name in session.execute(
            select(SalesOrderLine, Product.sku, Product.name).join(Product, Product.id == SalesOrderLine.product_id)
            .where(SalesOrderLine.order_id.in_(ids)).order_by(SalesOrderLine.order_id, SalesOrderLine.line_no)).all():
        lines.setdefault(line.order_id, []).append(OrderLineOut(
            line_no=line.line_no, sku=sku, name=name, quantity=line.quantity, unit_price=line.unit_price,
            discount_pct=line.discount_pct, line_amount=line.line_amount))
    # As of today: an invoice issued later, a payment made later, a shipment dated later have not happened yet
    # (imported books can run past the day asked about).
    today = ctx.today
    invoices = session.execute(select(Invoice).where(Invoice.order_id.in_(ids), Invoice.issue_date <= today)
                               .order_by(Invoice.issue_date, Invoice.id)).scalars().all()
    paid: dict[int, Decimal] = {}
    if invoices:
        paid = dict(session.execute(
            select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(PaymentAllocation.invoice_id.in_([i.id for i in invoices]), Payment.paid_on <= today)
            .group_by(PaymentAllocation.invoice_id)).all())
    quote_ids = {o.quote_id for o in orders if o.quote_id is not None}
    quote_numbers = dict(session.execute(select(Quote.id, Quote.number).where(Quote.id.in_(quote_ids))).all()) if quote_ids else {}
    people = {o.salesperson_id for o in orders if o.salesperson_id is not None}
    salespeople = dict(session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(people))).all()) \
        if people else {}
    by_order: dict[int, list[InvoiceOut]] = {}
    for inv in invoices:
        paid_amount = paid.get(inv.id) or Decimal(0)
        balance = Decimal(0) if inv.status == "void" else max(inv.amount - paid_amount, Decimal(0))
        by_order.setdefault(inv.order_id, []).append(InvoiceOut(
            number=inv.number, issue_date=inv.issue_date, due_date=inv.due_date, amount=inv.amount, currency=inv.currency,
            status=inv.status, paid_amount=paid_amount, open_balance=balance,
            overdue=inv.status == "open" and balance > 0 and inv.due_date < ctx.today))
    # each order's status as it stood on the day (one rule: backend/semantic/rules.py)
    stood = dict(session.execute(select(SalesOrder.id, rules.order_status_on(
        SalesOrder.status, SalesOrder.shipped_date, SalesOrder.id, today)).where(SalesOrder.id.in_(ids))).all())
    out = []
    for order in orders:
        customer = customers[order.customer_id]
        order_invoices = by_order.get(order.id, [])
        live = [i for i in order_invoices if i.status != "void"]
        status = stood.get(order.id, order.status)
        shipped = order.shipped_date if order.shipped_date is not None and order.shipped_date <= today else None
        out.append(OrderOut(
            number=order.number, status=status, customer_code=customer.code, customer_name=customer.name,
            order_date=order.order_date, required_date=order.required_date, shipped_date=shipped,
            quote_number=quote_numbers.get(order.quote_id), salesperson=salespeople.get(order.salesperson_id),
            currency=order.currency, lines=lines.get(order.id, []),
            net_amount=order.net_amount, invoices=order_invoices,
            invoiced_amount=sum((i.amount for i in live), Decimal(0)),
            paid_amount=sum((i.paid_amount for i in live), Decimal(0)),
            open_balance=sum((i.open_balance for i in live), Decimal(0)), payment_state=payment_state(order_invoices)))
    return out


@register(kind="read")
def order_status(ctx: ToolContext, params: OrderStatusInput) -> OrderStatusResult:
    """Status of a sales order (or a customer's latest orders): lines, shipping, invoices and payment state."""
    session = ctx.session
    if not (params.order or "").strip() and not (params.customer or "").strip():
        raise ValidationFailed("Say which order (its number) or which customer.",
                               hint="Pass order, e.g. SO-2026-000123, or customer.")
    customer = resolve_customer(session, params.customer) if (params.customer or "").strip() else None
    if (params.order or "").strip():
        order = find_by_number(session, SalesOrder, params.order)
        if order is None:
            raise NotFound(f"There is no sales order {params.order.strip()}.",
                           hint="Check the number, or ask by customer.")
        if customer is not None and order.customer_id != customer.id:
            raise NotFound(f"Order {order.number} is not an order of {customer.name}.",
                           hint="Check the number, or leave the customer out.")
        customer = customer or session.get(Customer, order.customer_id)
        return OrderStatusResult(customer_code=customer.code, customer_name=customer.name, total_orders=1,
                                 orders=orders_out(ctx, [order], {customer.id: customer}))
    placed = (SalesOrder.customer_id == customer.id, SalesOrder.order_date <= ctx.today)   # (not yet placed: none)
    total = session.execute(select(func.count()).select_from(SalesOrder).where(*placed)).scalar_one()
    orders = session.execute(select(SalesOrder).where(*placed)
                             .order_by(SalesOrder.order_date.desc(), SalesOrder.id.desc()).limit(params.limit)).scalars().all()
    return OrderStatusResult(customer_code=customer.code, customer_name=customer.name, total_orders=total,
                             orders=orders_out(ctx, list(orders), {customer.id: customer}))
