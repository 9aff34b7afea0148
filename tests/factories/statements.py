"""Purchasing documents and manual journal entries for the statement tests: each adds its rows and flushes, so the
document posts itself (backend.accounting.hooks), as in the application."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from backend.accounting.chart import ensure_chart
from backend.accounting.journal import EntryDraft, write_entries
from backend.models import (GoodsReceipt, GoodsReceiptLine, Product, PurchaseOrder, PurchaseOrderLine, Supplier,
                            SupplierBill, SupplierBillLine, SupplierPayment, SupplierPaymentAllocation, Warehouse)
from sqlalchemy import select

_seq = itertools.count(1)


def make_supplier(session: Session, *, code: str, name: str, currency: str = "VND", terms: int = 30) -> Supplier:
    supplier = Supplier(code=code, name=name, search_key=name.lower(), currency=currency, payment_terms_days=terms)
    session.add(supplier)
    session.flush()
    return supplier


def make_purchase_order(session: Session, *, supplier: Supplier, lines: list[tuple[Product, int, Decimal]],
                        order_date: date, warehouse: Warehouse | None = None, fx_rate: Decimal = Decimal(1),
                        tax_rate_pct: Decimal = Decimal(10)) -> PurchaseOrder:
    """lines: (product, quantity, unit cost in the supplier's currency)."""
    warehouse = warehouse or session.execute(select(Warehouse).order_by(Warehouse.id).limit(1)).scalar_one()
    net = sum((qty * cost for _, qty, cost in lines), Decimal(0))
    tax = (net * tax_rate_pct / 100).quantize(Decimal(1))
    order = PurchaseOrder(number=f"PO-T-{next(_seq):05d}", supplier_id=supplier.id, warehouse_id=warehouse.id,
                          status="sent", order_date=order_date, currency=supplier.currency, fx_rate=fx_rate,
                          net_amount=net, tax_rate_pct=tax_rate_pct, tax_amount=tax, total=net + tax)
    for n, (product, qty, cost) in enumerate(lines, start=1):
        order.lines.append(PurchaseOrderLine(line_no=n, product_id=product.id, quantity=qty, unit_cost=cost,
                                             line_amount=qty * cost))
    session.add(order)
    session.flush()
    return order


def receive(session: Session, *, order: PurchaseOrder, received_on: date,
            quantities: dict[int, int] | None = None) -> GoodsReceipt:
    """Receive every line in full, or `quantities` {purchase order line id: units}."""
    receipt = GoodsReceipt(number=f"GR-T-{next(_seq):05d}", purchase_order_id=order.id, warehouse_id=order.warehouse_id,
                           received_on=received_on)
    for line in order.lines:
        units = line.quantity if quantities is None else quantities.get(line.id, 0)
        if units:
            receipt.lines.append(GoodsReceiptLine(purchase_order_line_id=line.id, product_id=line.product_id,
                                                  quantity=units, unit_cost=line.unit_cost))
            line.received_quantity += units
    session.add(receipt)
    session.flush()
    return receipt


def make_bill(session: Session, *, order: PurchaseOrder | None, supplier: Supplier, bill_date: date,
              lines: list[tuple[Product | None, int, Decimal]], due_days: int = 30, tax_rate_pct: Decimal = Decimal(10),
              fx_rate: Decimal = Decimal(1), reference: str | None = None) -> SupplierBill:
    """lines: (product or None for a service, quantity, unit cost); a bill on an order matches its lines in order."""
    n = next(_seq)
    net = sum((qty * cost for _, qty, cost in lines), Decimal(0))
    tax = (net * tax_rate_pct / 100).quantize(Decimal(1))
    bill = SupplierBill(number=f"BILL-T-{n:05d}", supplier_reference=reference or f"S-{n}", supplier_id=supplier.id,
                        purchase_order_id=order.id if order else None, bill_date=bill_date,
                        due_date=bill_date + timedelta(days=due_days), currency=supplier.currency, fx_rate=fx_rate,
                        net_amount=net, tax_amount=tax, total=net + tax)
    order_lines = {line.product_id: line for line in order.lines} if order else {}
    for product, qty, cost in lines:
        po_line = order_lines.get(product.id) if product else None
        bill.lines.append(SupplierBillLine(purchase_order_line_id=po_line.id if po_line else None,
                                           product_id=product.id if product else None, quantity=qty, unit_cost=cost,
                                           line_amount=qty * cost,
                                           price_difference=(cost - po_line.unit_cost) if po_line else Decimal(0)))
        if po_line is not None:
            po_line.billed_quantity += qty
    session.add(bill)
    session.flush()
    return bill


def pay_bill(session: Session, *, bill: SupplierBill, amount: Decimal, paid_on: date) -> SupplierPayment:
    payment = SupplierPayment(number=f"SP-T-{next(_seq):05d}", supplier_id=bill.supplier_id, paid_on=paid_on,
                              amount=amount, currency=bill.currency, fx_rate=bill.fx_rate, method="bank transfer")
    payment.allocations.append(SupplierPaymentAllocation(bill_id=bill.id, amount=amount))
    session.add(payment)
    session.flush()
    paid = sum((a.amount for a in bill.allocations), Decimal(0))
    if paid >= bill.total:
        bill.status = "paid"
        session.flush()
    return payment


def post_manual(session: Session, *, on: date, description: str, lines: list[tuple[str, Decimal]],
                base_currency: str = "VND") -> None:
    """A manual entry: (account role, amount: positive debit, negative credit)."""
    accounts = ensure_chart(session)
    draft = EntryDraft(on, "manual", None, description)
    for role, amount in lines:
        draft.add(accounts[role], amount)
    write_entries(session, [draft], base_currency)
    session.flush()


def make_statement_world(session: Session) -> dict:
    """A small company whose statements tests/test_statements.py computes by hand (VND, VAT 10 %, today 2026-11-20):

    2025-12-15  income of the earlier year: bank 500,000 / revenue
    2026-01-02  owner's capital: bank 100,000,000 / opening equity
    2026-07-10  receipt of PO-1 (S1): 100 paper at 60,000 = 6,000,000 into inventory
    2026-07-12  bill B1 (S1): 100 at 62,000 = 6,200,000 + VAT 620,000 = 6,820,000 (200,000 price variance), due 08-11
    2026-08-03  receipt of PO-2 (S2): 1,000 pens at 5,000 = 5,000,000
    2026-08-05  bill B2 (S2): 5,000,000 + VAT 500,000 = 5,500,000, due 09-04
    2026-08-10  B1 paid in full (6,820,000)
    2026-08-20  SO-A: 30 paper at 100,000 shipped (cost 30 x 60,000 = 1,800,000); INV-A 3,300,000, due 09-19
    2026-09-01  2,000,000 paid on B2 (3,500,000 still open: 77 days past due on 2026-11-20)
    2026-09-15  SO-B: 200 pens at 10,000 shipped (cost 200 x 5,000 = 1,000,000); INV-B 2,200,000, due 10-15
    2026-09-25  INV-A paid (3,300,000)
    2026-09-30  rent: expenses 1,500,000 / bank
    2026-10-05  bill B3 (S1) for a service, no order: 400,000 + VAT 40,000 = 440,000, due 11-04 (16 days late)
    """
    from backend.models import Employee
    from tests.factories.catalog import make_product, make_warehouse
    from tests.factories.customers import make_customer
    from tests.factories.org import make_company, make_employee
    from tests.factories.sales import make_invoice, make_order, make_payment

    D = Decimal
    make_company(session, name="Sổ Cái Co", base_currency="VND", tax_rate_pct=D(10))
    make_warehouse(session, code="HCM", name="Thủ Đức")
    people = {role: make_employee(session, role=role, code=role.upper(), name=f"{role.title()} Person", region=None)
              for role in ("sales", "support", "finance", "manager", "admin")}
    customer = make_customer(session, name="Khách Một", code="K1", owner=people["sales"])
    paper = make_product(session, sku="PAPER", name="Giấy A4", unit_price=D(100000), unit_cost=D(60000),
                         category="Paper", stock=70)
    pen = make_product(session, sku="PEN", name="Bút bi", unit_price=D(10000), unit_cost=D(5000), category="Pens",
                       stock=800)
    s1 = make_supplier(session, code="S1", name="Giấy Việt")
    s2 = make_supplier(session, code="S2", name="Bút Sài Gòn")

    post_manual(session, on=date(2025, 12, 15), description="Income of 2025",
                lines=[("bank", D(500000)), ("revenue", D(-500000))])
    post_manual(session, on=date(2026, 1, 2), description="Owner's capital",
                lines=[("bank", D(100000000)), ("opening_equity", D(-100000000))])
    po1 = make_purchase_order(session, supplier=s1, lines=[(paper, 100, D(60000))], order_date=date(2026, 7, 5))
    receive(session, order=po1, received_on=date(2026, 7, 10))
    b1 = make_bill(session, order=po1, supplier=s1, bill_date=date(2026, 7, 12), lines=[(paper, 100, D(62000))])
    po2 = make_purchase_order(session, supplier=s2, lines=[(pen, 1000, D(5000))], order_date=date(2026, 8, 1))
    receive(session, order=po2, received_on=date(2026, 8, 3))
    b2 = make_bill(session, order=po2, supplier=s2, bill_date=date(2026, 8, 5), lines=[(pen, 1000, D(5000))])
    pay_bill(session, bill=b1, amount=D(6820000), paid_on=date(2026, 8, 10))
    so_a = make_order(session, customer=customer, salesperson=people["sales"], order_date=date(2026, 8, 20),
                      status="invoiced", lines=[(paper, 30, None, D(0))], number="SO-A")
    inv_a = make_invoice(session, customer=customer, amount=D(3300000), issue_date=date(2026, 8, 20), order=so_a,
                         number="INV-A")
    pay_bill(session, bill=b2, amount=D(2000000), paid_on=date(2026, 9, 1))
    so_b = make_order(session, customer=customer, salesperson=people["sales"], order_date=date(2026, 9, 15),
                      status="invoiced", lines=[(pen, 200, None, D(0))], number="SO-B")
    make_invoice(session, customer=customer, amount=D(2200000), issue_date=date(2026, 9, 15), order=so_b,
                 number="INV-B")
    make_payment(session, invoice=inv_a, amount=D(3300000), paid_on=date(2026, 9, 25))
    post_manual(session, on=date(2026, 9, 30), description="Rent, September",
                lines=[("expenses", D(1500000)), ("bank", D(-1500000))])
    make_bill(session, order=None, supplier=s1, bill_date=date(2026, 10, 5), lines=[(None, 1, D(400000))])
    session.flush()
    assert all(isinstance(p, Employee) for p in people.values())
    return {**people, "customer": customer, "paper": paper, "pen": pen, "s1": s1, "s2": s2}
