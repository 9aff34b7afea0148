"""A small company whose every figure is computed by hand in tests/test_semantic.py: three customers (one billed in
USD), two products in two warehouses, orders in 2025 and 2026 (one cancelled), invoices partly paid, overdue and
in USD, tickets, interactions, opportunities and quotes. Today is 2026-11-20 (Ho Chi Minh City)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import StockLevel
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer, make_interaction, make_opportunity, make_ticket
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee
from tests.factories.quotes import make_quote
from tests.factories.sales import make_invoice, make_order, make_payment

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)  # 10:00 in Ho Chi Minh City
TODAY = date(2026, 11, 20)


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def make_semantic_world(session: Session) -> dict[str, Any]:
    make_company(session, name="Sổ Sách Co.", base_currency="VND")
    make_fx_rate(session, currency="USD", rate=D("25000"), rate_date=date(2025, 1, 1))
    make_fx_rate(session, currency="USD", rate=D("26000"), rate_date=date(2026, 10, 1))
    mai = make_employee(session, role="sales", code="MAI", name="Trần Thị Mai", region="South")
    hung = make_employee(session, role="sales", code="HUNG", name="Lê Văn Hùng", region="North")
    anh = make_employee(session, role="support", code="ANH", name="Phạm Minh Anh", region=None)
    bao = make_employee(session, role="manager", code="BAO", name="Ngô Quốc Bảo", region=None)
    ha = make_employee(session, role="finance", code="HA", name="Đỗ Thu Hà", region=None)
    a = make_customer(session, name="An Phát", code="ANPHAT", owner=mai, segment="SMB", city="Ho Chi Minh City",
                      country="Vietnam", credit_limit=D("100000000"))
    b = make_customer(session, name="Bắc Hà", code="BACHA", owner=hung, segment="Enterprise", city="Hà Nội",
                      country="Vietnam", credit_limit=D("3000000"))
    c = make_customer(session, name="Lion Office", code="LION", owner=mai, segment="Export", city="Singapore",
                      country="Singapore", currency="USD", credit_limit=D("5000"))
    make_warehouse(session, code="HCM", name="Thủ Đức")
    make_warehouse(session, code="HAN", name="Long Biên")
    paper = make_product(session, sku="PAPER", name="Giấy A4", unit_price=D("100000"), unit_cost=D("70000"),
                         category="Paper", stock=100, reorder_level=50, warehouse="HCM")
    pen = make_product(session, sku="PEN", name="Bút bi", unit_price=D("10000"), unit_cost=D("4000"), category="Pens",
                       stock=1000, reorder_level=100, warehouse="HCM")
    session.execute(select(StockLevel).where(StockLevel.product_id == paper.id)).scalar_one().reserved = 10
    han = make_warehouse(session, code="HAN")
    session.add(StockLevel(product_id=paper.id, warehouse_id=han.id, quantity=5, reorder_level=20))
    o1 = make_order(session, customer=a, salesperson=mai, order_date=date(2026, 10, 5), status="invoiced",
                    lines=[(paper, 10, None, D(0)), (pen, 50, None, D(5))], number="SO-1")
    o1.shipped_date = date(2026, 10, 6)
    o2 = make_order(session, customer=b, salesperson=hung, order_date=date(2026, 10, 20), status="shipped",
                    lines=[(paper, 5, None, D(0))], number="SO-2")
    o2.shipped_date = date(2026, 10, 22)
    make_order(session, customer=a, salesperson=mai, order_date=date(2026, 11, 3), status="cancelled",
               lines=[(pen, 20, None, D(0))], number="SO-3")
    make_order(session, customer=c, salesperson=mai, order_date=date(2026, 11, 10), status="confirmed",
               lines=[(paper, 3, D("4.00"), D(0))], number="SO-4")
    o5 = make_order(session, customer=b, salesperson=hung, order_date=date(2025, 11, 15), status="invoiced",
                    lines=[(paper, 2, None, D(0))], number="SO-5")
    o5.shipped_date = date(2025, 11, 16)
    i1 = make_invoice(session, customer=a, amount=D("1622500"), issue_date=date(2026, 10, 5), order=o1, number="INV-1")
    make_payment(session, invoice=i1, amount=D("622500"), paid_on=date(2026, 10, 25), method="bank transfer")
    i2 = make_invoice(session, customer=b, amount=D("220000"), issue_date=date(2025, 11, 15), order=o5, number="INV-2")
    make_payment(session, invoice=i2, amount=D("220000"), paid_on=date(2025, 12, 20), method="cash")
    i3 = make_invoice(session, customer=c, amount=D("13.20"), issue_date=date(2026, 11, 10), number="INV-3")
    i3.fx_rate = D("26000")
    make_invoice(session, customer=b, amount=D("3000000"), issue_date=date(2026, 7, 1), number="INV-4")
    make_ticket(session, customer=a, number="TCK-1", status="open", priority="high", opened_at=at(date(2026, 11, 18)))
    t2 = make_ticket(session, customer=b, number="TCK-2", status="closed", priority="low", opened_at=at(date(2026, 11, 2)))
    t2.closed_at = at(date(2026, 11, 6))
    t3 = make_ticket(session, customer=a, number="TCK-3", status="closed", priority="medium", opened_at=at(date(2026, 10, 1)))
    t3.closed_at = at(date(2026, 10, 3))
    make_interaction(session, customer=a, kind="call", employee=mai, occurred_at=at(date(2026, 11, 15)))
    make_interaction(session, customer=b, kind="meeting", employee=hung, occurred_at=at(date(2026, 9, 1)))
    make_opportunity(session, customer=a, stage="negotiation", amount=D("10000000"), probability=75,
                     close_date=date(2026, 12, 15), owner=mai, name="An Phát 2027 paper contract")
    make_opportunity(session, customer=c, stage="proposal", amount=D("1000"), probability=50,
                     close_date=date(2027, 1, 31), owner=mai, name="Lion Office pens")
    make_opportunity(session, customer=b, stage="closed_won", amount=D("5000000"), probability=100,
                     close_date=date(2026, 10, 10), owner=hung, name="Bắc Hà Q4 order")
    make_opportunity(session, customer=b, stage="closed_lost", amount=D("1000000"), probability=0,
                     close_date=date(2026, 10, 20), owner=hung, name="Bắc Hà printers")
    make_quote(session, customer=a, status="converted", issue_date=date(2026, 10, 1), created_by=mai)
    make_quote(session, customer=a, status="rejected", issue_date=date(2026, 10, 10), created_by=mai)
    make_quote(session, customer=b, status="open", issue_date=date(2026, 11, 1), created_by=hung)
    make_quote(session, customer=b, status="expired", issue_date=date(2026, 6, 1), created_by=hung)
    session.flush()
    return {"mai": mai, "hung": hung, "anh": anh, "bao": bao, "ha": ha, "a": a, "b": b, "c": c}
