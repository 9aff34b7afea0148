"""Purchasing through the tools with the ledger posting after each flush, as in the application: a receipt puts the
order's cost into inventory against goods received not billed, the bill clears that (a price difference to
variance), the payment clears payables, and a delivery's movement carries the cost the ledger took out."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.accounting.balances import trial_balance
from backend.accounting.hooks import install_posting
from backend.models import JournalEntry, Product, StockMovement
from backend.tools.context import ToolContext
from backend.tools.registry import confirm, invoke
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee
from tests.factories.purchasing import make_supplier
from tests.factories.sales import make_order

D = Decimal


@pytest.fixture
def finance(session, now, settings):
    make_company(session)  # VND, VAT 10 %
    install_posting(session)
    make_warehouse(session, code="HCM")
    make_product(session, sku="PAPER-A4", name="A4 Copy Paper", unit_cost=D("70000"), stock=0, reorder_level=0)
    make_supplier(session, name="Thiên Long Supplies", code="THIENLONG")
    return ToolContext(session=session, actor=make_employee(session, role="finance"), channel="test", now=now,
                       settings=settings)


def run(ctx, tool, arguments):
    return confirm(ctx, invoke(tool, ctx, arguments).confirmation_id)


def balances(session) -> dict[str, Decimal]:
    return {row.code: row.balance for row in trial_balance(session)}


def test_receipt_bill_payment_and_delivery_post_balanced_entries(session, now, settings, finance):
    po = run(finance, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PAPER-A4", "quantity": 100}]}).purchase_order.number
    run(finance, "approve_purchase_order", {"purchase_order": po})
    receipt = run(finance, "receive_goods", {"purchase_order": po, "lines": [{"product": "PAPER-A4", "quantity": 40}]})
    # A preview posts nothing: only the confirmed receipt has an entry.
    assert session.execute(select(JournalEntry.source_type)).scalars().all() == ["goods_receipt"]
    assert receipt.value_base == D("2800000")
    books = balances(session)  # debit positive, credit negative
    assert (books["1300"], books["2100"]) == (D("2800000"), D("-2800000"))
    bill = run(finance, "record_supplier_bill", {"purchase_order": po, "supplier_reference": "TL-1", "lines": [
        {"product": "PAPER-A4", "quantity": 40, "unit_cost": "71000"}]})
    assert bill.match_status == "exceptions" and bill.total == D("3124000")
    books = balances(session)
    # GRNI cleared at the order's cost; 40 x 1,000 to price variance; VAT input; the supplier is owed the total.
    assert (books.get("2100", D(0)), books["5100"], books["1400"], books["2000"]) == (
        D(0), D("40000"), D("284000"), D("-3124000"))
    run(finance, "record_supplier_payment", {"bills": [{"bill": bill.number}], "pay_exceptions": True})
    assert balances(session).get("2000", D(0)) == D(0)
    paper = session.execute(select(Product).where(Product.sku == "PAPER-A4")).scalar_one()
    order = make_order(session, customer=make_customer(session), lines=[(paper, 10, None, D(0))])
    sales = ToolContext(session=session, actor=make_employee(session, role="sales"), channel="test", now=now,
                        settings=settings)
    run(sales, "ship_order", {"order": order.number})
    delivery = session.execute(select(StockMovement).where(StockMovement.kind == "delivery")).scalar_one()
    assert (delivery.quantity, delivery.unit_cost, delivery.moved_on) == (-10, D("70000"), date(2026, 11, 20))
    books = balances(session)
    assert (books["5000"], books["1300"]) == (D("700000"), D("2100000"))
