"""Factories for orders, invoices and payments, priced through the same ledger code as production."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from backend.ledger import company, fx_rate, price_order, refresh_invoice_status
from backend.models import Customer, Employee, Invoice, Payment, PaymentAllocation, Product, SalesOrder, SalesOrderLine

_seq = count(1)


def make_order(session: Session, *, customer: Customer, lines: list[tuple[Product, int, Decimal | None, Decimal]] ,
               order_date: date = date(2026, 10, 15), status: str = "confirmed", salesperson: Employee | None = None,
               number: str | None = None) -> SalesOrder:
    """lines: (product, quantity, unit price or None for the list price, discount %)."""
    n = next(_seq)
    order = SalesOrder(number=number or f"SO-T-{n:06d}", customer_id=customer.id, status=status, order_date=order_date,
                       currency=customer.currency, salesperson_id=salesperson.id if salesperson else None)
    for product, qty, price, discount in lines:
        order.lines.append(SalesOrderLine(product_id=product.id, quantity=qty,
                                          unit_price=price if price is not None else product.unit_price,
                                          discount_pct=discount, unit_cost=product.unit_cost))
    base = company(session).base_currency
    price_order(order, fx_rate(session, order.currency, order_date, base), base)
    session.add(order)
    session.flush()
    return order


def make_invoice(session: Session, *, customer: Customer, amount: Decimal, issue_date: date = date(2026, 10, 1),
                 due_days: int = 30, order: SalesOrder | None = None, number: str | None = None, status: str = "open") -> Invoice:
    n = next(_seq)
    row = Invoice(number=number or f"INV-T-{n:06d}", customer_id=customer.id, order_id=order.id if order else None,
                  issue_date=issue_date, due_date=issue_date + timedelta(days=due_days), currency=customer.currency,
                  amount=amount, status=status)
    session.add(row)
    session.flush()
    return row


def make_payment(session: Session, *, invoice: Invoice, amount: Decimal, paid_on: date = date(2026, 10, 20),
                 method: str = "bank transfer") -> Payment:
    payment = Payment(customer_id=invoice.customer_id, paid_on=paid_on, amount=amount, currency=invoice.currency, method=method)
    session.add(payment)
    session.flush()
    session.add(PaymentAllocation(payment_id=payment.id, invoice_id=invoice.id, amount=amount))
    refresh_invoice_status(session, invoice)
    session.flush()
    return payment


def make_paid_invoices(session: Session, *, orders: list[SalesOrder], paid_on) -> list[Invoice]:
    """An invoice for each order (its net amount, in the order's currency), paid in full on `paid_on(order)`."""
    invoices = []
    for order in orders:
        customer = session.get(Customer, order.customer_id)
        invoice = make_invoice(session, customer=customer, amount=order.net_amount, issue_date=order.order_date,
                               order=order)
        make_payment(session, invoice=invoice, amount=order.net_amount, paid_on=paid_on(order))
        invoices.append(invoice)
    return invoices
