"""Factories for the buying side the ledger posts from (suppliers, purchase orders, receipts, bills, supplier
payments) and a shipped delivery. Each adds and flushes, so a session with posting installed posts at once."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from backend.models import Customer, Product, SalesOrder, SalesOrderLine
from backend.models.purchasing import (GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, Supplier,
                                       SupplierBill, SupplierBillLine, SupplierPayment, SupplierPaymentAllocation)
from backend.money import round_money
from backend.text import search_key
from tests.factories.catalog import make_warehouse

_seq = count(1)


def make_supplier(session: Session, *, code: str | None = None, name: str | None = None,
                  currency: str = "VND") -> Supplier:
    n = next(_seq)
    code = code or f"SUP{n:04d}"
    name = name or f"Supplier {n}"
    row = Supplier(code=code, name=name, search_key=search_key(name, code), currency=currency)
    session.add(row)
    session.flush()
    return row


def make_purchase_order(session: Session, *, supplier: Supplier, lines: list[tuple[Product, int, Decimal]],
                        order_date: date = date(2026, 10, 1), fx_rate: Decimal = Decimal(1),
                        tax_rate_pct: Decimal = Decimal(10), status: str = "sent") -> PurchaseOrder:
    """lines: (product, quantity, unit cost in the supplier's currency)."""
    n = next(_seq)
    warehouse = make_warehouse(session)
    order = PurchaseOrder(number=f"PO-T-{n:06d}", supplier_id=supplier.id, warehouse_id=warehouse.id, status=status,
                          order_date=order_date, currency=supplier.currency, fx_rate=fx_rate, tax_rate_pct=tax_rate_pct)
    net = Decimal(0)
    for line_no, (product, quantity, unit_cost) in enumerate(lines, start=1):
        amount = round_money(quantity * unit_cost, supplier.currency)
        net += amount
        order.lines.append(PurchaseOrderLine(line_no=line_no, product_id=product.id, quantity=quantity,
                                             unit_cost=unit_cost, line_amount=amount))
    order.net_amount = net
    order.tax_amount = round_money(net * tax_rate_pct / 100, supplier.currency)
    order.total = order.net_amount + order.tax_amount
    session.add(order)
    session.flush()
    return order


def make_receipt(session: Session, *, order: PurchaseOrder, quantities: list[int] | None = None,
                 received_on: date = date(2026, 10, 5)) -> GoodsReceipt:
    """Receive `quantities` of the order's lines (all of each line when None), at the order's unit costs."""
    n = next(_seq)
    receipt = GoodsReceipt(number=f"GR-T-{n:06d}", purchase_order_id=order.id, warehouse_id=order.warehouse_id,
                           received_on=received_on)
    for line, quantity in zip(order.lines, quantities or [line.quantity for line in order.lines]):
        if quantity:
            receipt.lines.append(GoodsReceiptLine(purchase_order_line_id=line.id, product_id=line.product_id,
                                                  quantity=quantity, unit_cost=line.unit_cost))
            line.received_quantity += quantity
    session.add(receipt)
    session.flush()
    return receipt


def make_bill(session: Session, *, supplier: Supplier, order: PurchaseOrder | None = None,
              lines: list[tuple[int, Decimal]] | None = None, net_amount: Decimal | None = None,
              tax_rate_pct: Decimal = Decimal(10), bill_date: date = date(2026, 10, 8),
              fx_rate: Decimal = Decimal(1), status: str = "open") -> SupplierBill:
    """A bill on `order` (lines: (quantity, unit cost) per order line), or a plain expense bill of `net_amount`."""
    n = next(_seq)
    currency = supplier.currency
    bill = SupplierBill(number=f"BILL-T-{n:06d}", supplier_reference=f"SINV-{n}", supplier_id=supplier.id,
                        purchase_order_id=order.id if order else None, bill_date=bill_date,
                        due_date=bill_date + timedelta(days=30), currency=currency, fx_rate=fx_rate, status=status,
                        net_amount=Decimal(0), total=Decimal(0))
    net = Decimal(0)
    if order is not None:
        for order_line, (quantity, unit_cost) in zip(order.lines, lines or []):
            amount = round_money(quantity * unit_cost, currency)
            net += amount
            bill.lines.append(SupplierBillLine(purchase_order_line_id=order_line.id, product_id=order_line.product_id,
                                               quantity=quantity, unit_cost=unit_cost, line_amount=amount,
                                               price_difference=unit_cost - order_line.unit_cost))
    else:
        net = net_amount or Decimal(0)
    bill.net_amount = net
    bill.tax_amount = round_money(net * tax_rate_pct / 100, currency)
    bill.total = bill.net_amount + bill.tax_amount
    session.add(bill)
    session.flush()
    return bill


def make_supplier_payment(session: Session, *, bill: SupplierBill, amount: Decimal | None = None,
                          paid_on: date = date(2026, 10, 20), fx_rate: Decimal = Decimal(1)) -> SupplierPayment:
    """Pay `amount` (the bill's total when None) of one bill; the payment is flushed before its allocation."""
    n = next(_seq)
    amount = bill.total if amount is None else amount
    payment = SupplierPayment(number=f"SPAY-T-{n:06d}", supplier_id=bill.supplier_id, paid_on=paid_on, amount=amount,
                              currency=bill.currency, fx_rate=fx_rate, method="bank transfer")
    session.add(payment)
    session.flush()
    session.add(SupplierPaymentAllocation(payment_id=payment.id, bill_id=bill.id, amount=amount))
    session.flush()
    return payment


def make_delivery(session: Session, *, customer: Customer, lines: list[tuple[Product, int]],
                  shipped_on: date = date(2026, 10, 10), unit_price: Decimal = Decimal("150000")) -> SalesOrder:
    """A sales order shipped on `shipped_on` (its delivery posts cost of goods sold)."""
    n = next(_seq)
    order = SalesOrder(number=f"SO-L-{n:06d}", customer_id=customer.id, status="shipped", order_date=shipped_on,
                       shipped_date=shipped_on, currency=customer.currency)
    net = Decimal(0)
    for line_no, (product, quantity) in enumerate(lines, start=1):
        amount = round_money(quantity * unit_price, customer.currency)
        net += amount
        order.lines.append(SalesOrderLine(line_no=line_no, product_id=product.id, quantity=quantity,
                                          unit_price=unit_price, discount_pct=Decimal(0), line_amount=amount,
                                          line_amount_base=amount,
                                          unit_cost=product.unit_cost))
    order.net_amount = order.net_amount_base = net
    session.add(order)
    session.flush()
    return order
