"""Shares of a whole asked in words, and the readings added while studying generation 17 of the held-out sets:
team and manager questions, an account's owner and place, the oldest unpaid supplier bill, periods 'to now'."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from assistant.agent import Assistant
from assistant.planner.frame import parse
from assistant.planner.slots import extract_period
from assistant.planner.when import read
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_order

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def ask(session, actor, message, conversation="conv-s"):
    return Assistant().ask(session, actor, message, channel="test", conversation_id=conversation, now=NOW)


@pytest.fixture
def shop(session):
    make_company(session)
    boss = make_employee(session, role="manager", name="Nancy Edwards", email="nancy@example.test")
    jane = make_employee(session, role="sales", name="Jane Peacock", email="jane@example.test", manager=boss)
    steve = make_employee(session, role="sales", name="Steve Johnson", email="steve@example.test", manager=boss)
    ledger = make_employee(session, role="finance", name="Hà Nguyễn", email="ha@example.test", manager=boss)
    paper = make_product(session, sku="A4", name="A4 paper", category="Paper", unit_price=Decimal("100000"))
    pens = make_product(session, sku="PEN", name="Blue pen", category="Pens", unit_price=Decimal("10000"))
    big = make_customer(session, name="Big Stores", code="BIG", owner=jane, city="Hanoi")
    small = make_customer(session, name="Small Shop", code="SMALL", owner=steve, city="Da Nang")
    # 2026: BIG 3 x 100,000 + 10 x 10,000 = 400,000; SMALL 1 x 100,000 = 100,000; one cancelled order of SMALL
    make_order(session, customer=big, lines=[(paper, 3, None, Decimal("0")), (pens, 10, None, Decimal("0"))],
               order_date=date(2026, 10, 1), status="invoiced", salesperson=jane)
    make_order(session, customer=small, lines=[(paper, 1, None, Decimal("0"))], order_date=date(2026, 10, 2),
               status="invoiced", salesperson=steve)
    make_order(session, customer=small, lines=[(paper, 5, None, Decimal("0"))], order_date=date(2026, 10, 3),
               status="cancelled", salesperson=steve)
    return {"boss": boss, "jane": jane, "steve": steve, "finance": ledger}


def test_a_share_of_the_whole_is_said_with_the_whole(session, shop):
    top = ask(session, shop["boss"], "what share of our revenue this year came from the top 1 customer?")
    call = top.tool_calls[0]
    assert call["name"] == "query_data" and call["args"]["share"] is True
    assert "80.00%" in top.answer and "500,000" in top.answer          # 400,000 of 500,000
    paper = ask(session, shop["boss"], "what percentage of sales came from Paper this year?", conversation="c2")
    assert "80.00%" in paper.answer                                     # 400,000 of 500,000
    cancelled = ask(session, shop["boss"], "what % of orders were cancelled this year?", conversation="c3")
    assert cancelled.tool_calls[0]["args"]["measures"] == ["orders"]
    assert "33.33%" in cancelled.answer                                 # 1 of the 3 orders, whatever their state


def test_a_rate_is_no_share():
    frame = parse("what's our gross margin percentage this year", date(2026, 11, 20))
    assert frame.measures == ["gross_margin_pct"]


def test_team_and_manager_questions_go_to_the_directory(session, shop):
    finance = ask(session, shop["boss"], "who's on the finance team?")
    assert [c["name"] for c in finance.tool_calls] == ["find_employees"] and "Hà Nguyễn" in finance.answer
    support = ask(session, shop["boss"], "ai là người phụ trách nhóm kinh doanh?", conversation="c2")
    assert support.tool_calls[0]["args"] == {"role": "sales", "limit": 20}
    mine = ask(session, shop["jane"], "quản lý trực tiếp của em là ai?", conversation="c3")
    assert [c["name"] for c in mine.tool_calls] == ["find_employees"] and "Nancy Edwards" in mine.answer
    team = ask(session, shop["jane"], "who's on Nancy Edwards's team?", conversation="c4")
    assert "Steve Johnson" in team.answer


def test_each_of_my_reps_and_a_reps_customers(session, shop):
    reps = ask(session, shop["boss"], "how many customers does each of my reps look after?")
    assert reps.tool_calls[0]["args"]["group_by"] == ["owner"] and "owner" not in reps.tool_calls[0]["args"]
    assert "Jane Peacock" in reps.answer and "Steve Johnson" in reps.answer
    listed = ask(session, shop["boss"], "list our customers in Hanoi with their sales rep", conversation="c2")
    assert listed.tool_calls[0]["args"]["group_by"] == ["customer", "owner"] and "Jane Peacock" in listed.answer


def test_an_accounts_owner_and_place_are_its_record(session, shop):
    ask(session, shop["boss"], "how is Big Stores doing?", conversation="c-own")
    owner = ask(session, shop["boss"], "who is their account manager?", conversation="c-own")
    assert [c["name"] for c in owner.tool_calls] == ["customer_overview"] and "Jane Peacock" in owner.answer
    where = ask(session, shop["boss"], "where's Small Shop located?", conversation="c-where")
    assert [c["name"] for c in where.tool_calls] == ["customer_overview"] and "Da Nang" in where.answer


@pytest.mark.parametrize("text, period", [
    ("doanh thu từ tháng 1 đến nay so với cùng kỳ năm ngoái", "2026-01-01..2026-11-20"),
    ("revenue from March to date", "2026-03-01..2026-11-20"),
    ("what has Big Stores paid us since January?", "2026-01-01..2026-11-20"),
])
def test_from_a_month_to_now(text, period):
    from backend.text import fold

    assert read(fold(text), date(2026, 11, 20)).period == period
    assert extract_period(text, date(2026, 11, 20)) == period   # the one reader of periods


def test_owed_and_overdue_asked_together():
    frame = parse("Hoàng Long còn nợ bao nhiêu, bao nhiêu đã quá hạn?", date(2026, 11, 20))
    assert frame.measures == ["open_receivables", "overdue_amount"]


def test_purchase_orders_not_arrived_and_their_worth():
    frame = parse("đơn mua hàng nào của Tân Mai chưa về?", date(2026, 11, 20))
    assert {("po_status", "sent"), ("po_status", "partially_received")} <= set(frame.statuses)
    worth = parse("giá trị các đơn mua hàng đang mở là bao nhiêu?", date(2026, 11, 20))
    assert worth.row == "purchase_order" and "purchase_orders" not in worth.measures


def test_the_oldest_unpaid_supplier_bill_is_the_one_due_first():
    from assistant.planner.data import build

    frame = parse("what's the oldest unpaid supplier bill?", date(2026, 11, 20))
    call = build(frame, language="en", customer=None, product=None, owner=None, opportunity=None, places={}, who=False)
    assert call.args["order_by"] == "bill_due_date" and call.args["order"] == "asc" and call.args["limit"] == 1
    assert {"measure": "open_payables", "op": ">", "value": "0"} in call.args["conditions"]
    invoice = parse("which is the oldest overdue customer invoice?", date(2026, 11, 20))
    call = build(invoice, language="en", customer=None, product=None, owner=None, opportunity=None, places={}, who=False)
    assert call.args["group_by"][0] == "invoice" and call.args["order_by"] == "max_days_overdue"
