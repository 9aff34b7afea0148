"""Records dated after today (a post-dated payment, an order keyed in ahead, a company loaded up to a later day)
are not yet part of what has happened: balances, flows and histories are counted up to today."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from assistant.agent import Assistant
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer, make_interaction
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_order, make_payment

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def ask(session, actor, message, conversation=None):
    return Assistant().ask(session, actor, message, channel="test", conversation_id=conversation, now=NOW)


@pytest.fixture
def world(session):
    make_company(session)
    boss = make_employee(session, role="manager", name="Nancy Edwards", email="nancy@example.test")
    rep = make_employee(session, role="sales", name="Jane Peacock", email="jane@example.test", manager=boss)
    paper = make_product(session, sku="A4", name="A4 paper", category="Paper", unit_price=Decimal("100000"))
    shop = make_customer(session, name="Lotus Stationery", code="LOTUS", owner=rep)
    make_order(session, customer=shop, lines=[(paper, 3, None, Decimal("0"))], order_date=date(2026, 11, 2),
               status="invoiced", salesperson=rep)
    make_order(session, customer=shop, lines=[(paper, 7, None, Decimal("0"))], order_date=date(2026, 11, 27),
               status="confirmed", salesperson=rep)                      # keyed in ahead: not sold yet
    due = make_invoice(session, customer=shop, amount=Decimal("1000000"), issue_date=date(2026, 9, 1),
                       number="INV-2026-000901")                              # due 2026-10-01, overdue on the 20th
    make_payment(session, invoice=due, amount=Decimal("1000000"), paid_on=date(2026, 11, 30))  # post-dated
    make_invoice(session, customer=shop, amount=Decimal("500000"), issue_date=date(2026, 11, 25),
                 number="INV-2026-000902")                                    # issued after today
    make_interaction(session, customer=shop, summary="Visit planned for the new catalogue",
                     occurred_at=datetime(2026, 11, 28, 3, tzinfo=timezone.utc), employee=rep)
    make_interaction(session, customer=shop, summary="Called about the November order",
                     occurred_at=datetime(2026, 11, 10, 3, tzinfo=timezone.utc), employee=rep)
    session.flush()
    return {"boss": boss, "rep": rep}


def test_a_post_dated_payment_has_not_settled_the_invoice_yet(session, world):
    owed = ask(session, world["boss"], "how much does Lotus Stationery owe us?")
    assert "1,000,000" in owed.answer and "1,500,000" not in owed.answer
    overdue = ask(session, world["boss"], "total overdue receivables right now?")
    assert "1,000,000" in overdue.answer
    invoice = ask(session, world["boss"], "status of invoice INV-2026-000901")
    assert "1,000,000" in invoice.answer and "overdue" in invoice.answer.lower()


def test_flows_are_counted_up_to_today(session, world):
    month = ask(session, world["boss"], "how many units did we sell this month?")
    assert month.tool_calls[0]["name"] == "query_data"
    assert ": 3." in month.answer and ": 10." not in month.answer
    ever = ask(session, world["boss"], "how many orders have we had all time?")
    assert ": 1." in ever.answer and ": 2." not in ever.answer


def test_a_history_ends_today(session, world):
    last = ask(session, world["boss"], "when did we last talk to Lotus Stationery?")
    assert "2026-11-10" in last.answer and "2026-11-28" not in last.answer
    orders = ask(session, world["boss"], "what did Lotus Stationery order last?")
    assert "2026-11-02" in orders.answer and "2026-11-27" not in orders.answer
